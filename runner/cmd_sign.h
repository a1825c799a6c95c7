/*
 * cmd_sign — the keygen, sign and verify commands: argv to options, one
 * library call, exit code (0 ok, 1 verification failed, 2 bad usage or
 * input, 3 runtime error).
 */
#ifndef IC_CMD_SIGN_H
#define IC_CMD_SIGN_H

#include "certificate.h"

/* argv[0] is the command name. Each returns the process exit code. */
int ic_cmd_keygen(int argc, char **argv);
int ic_cmd_sign(int argc, char **argv);
/* replay may be NULL when the build has no replay. */
int ic_cmd_verify(int argc, char **argv, ic_replay_fn replay);

#endif
