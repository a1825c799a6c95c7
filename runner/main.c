/* isrcert — thin command dispatcher over the library. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_sign.h"
#include "replay.h"

static int
cmd_verify(int argc, char **argv)
{
    return ic_cmd_verify(argc, argv, ic_replay_run);
}

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
} commands[] = {
    {"demo", ic_cmd_demo, "certify the bundled reference ISR endpoint"},
    {"run", ic_cmd_run, "run a profile against a target, write a report"},
    {"lint", ic_cmd_lint, "check profiles, suites and targets"},
    {"list", ic_cmd_list, "list profiles, suites, classes and test counts"},
    {"keygen", ic_cmd_keygen, "create a signing key pair"},
    {"sign", ic_cmd_sign, "sign an existing run directory"},
    {"verify", cmd_verify, "verify a certificate, its files and evidence"},
};

static void
usage(FILE *out)
{
    fputs("usage: isrcert COMMAND [OPTIONS]\n\ncommands:\n", out);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].help);
    fputs("\n'isrcert COMMAND --help' describes each command.\n", out);
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return IC_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return IC_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        puts(PACKAGE_NAME " " PACKAGE_VERSION);
        return IC_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "isrcert: unknown command \"%s\"\n", argv[1]);
    usage(stderr);
    return IC_EXIT_USAGE;
}
