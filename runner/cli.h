/*
 * cli — command-line plumbing shared by the commands: option tables whose
 * rows carry their help text, parsed with getopt_long, and the commands
 * run / lint / list.
 */
#ifndef IC_CLI_H
#define IC_CLI_H

#include <getopt.h>
#include <stdio.h>

#include <jansson.h>

/* Exit codes (README, --help). */
enum {
    IC_EXIT_OK = 0,
    IC_EXIT_FAILED = 1,
    IC_EXIT_USAGE = 2,
    IC_EXIT_RUNTIME = 3
};

typedef struct ic_cli_opt {
    const char *name; /* long option */
    int key;          /* short option char or a value >= 256 */
    const char *arg;  /* argument name, NULL for a flag */
    const char *help;
} ic_cli_opt;

/* Print "usage: isrcert CMD SYNOPSIS", the summary and the option table. */
void ic_cli_help(FILE *out, const char *cmd, const char *synopsis,
                 const char *summary, const ic_cli_opt *opts);
/* getopt_long over the table (terminated by a row with name NULL).
 * Returns the key, -1 at the end, '?' on error (message printed). */
int ic_cli_next(int argc, char **argv, const ic_cli_opt *opts);
/* Map an ic error code to an exit code and print the last error. */
int ic_cli_fail(int rc);

void ic_cli_print_summary(FILE *f, const json_t *report, const char *dir);

int ic_cmd_run(int argc, char **argv);
int ic_cmd_demo(int argc, char **argv);
int ic_cmd_lint(int argc, char **argv);
int ic_cmd_list(int argc, char **argv);

#endif
