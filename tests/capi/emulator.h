/* Starting and stopping gioexport-emulator for the C tests. */
#ifndef GIOEXPORT_TEST_EMULATOR_H
#define GIOEXPORT_TEST_EMULATOR_H

#include <sys/types.h>

/* The emulator's defaults, which every test client uses. */
#define TEST_CLIENT_ID "demo-client-id"
#define TEST_SECRET "demo-secret"
#define TEST_PROJECT "demoPrj1"
#define TEST_AI "a1b2c3d4e5f60718"

typedef struct test_emulator {
    pid_t pid;
    int stdout_fd;      /* read end of the emulator's stdout */
    int port;
    char base_url[64];  /* http://127.0.0.1:PORT */
} test_emulator;

/* Starts the emulator at `executable` on 127.0.0.1 and an ephemeral port,
 * with the extra arguments in `extra_args` (NULL-terminated, may be NULL),
 * and waits up to 30 seconds for its "listening on" line. Returns 0 on
 * success; on failure prints the reason to stderr and returns -1. */
int test_emulator_start(test_emulator* emulator, const char* executable,
                        const char* const* extra_args);

/* Sends POST `path` with a JSON body to the emulator's control API and
 * returns the HTTP status, or -1 when the exchange failed. */
int test_emulator_post(const test_emulator* emulator, const char* path, const char* json_body);

/* Stops the emulator with SIGTERM (SIGKILL after 5 seconds) and reaps it. */
void test_emulator_stop(test_emulator* emulator);

#endif
