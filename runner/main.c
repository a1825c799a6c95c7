#include "config.h"

#include <stdio.h>

int
main(void)
{
    puts("isrcert");
    return 0;
}
