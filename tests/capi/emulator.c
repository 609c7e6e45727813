#define _POSIX_C_SOURCE 200809L

#include "emulator.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 32
#define READY_PREFIX "gioexport-emulator listening on http://127.0.0.1:"

static long long now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Reads one line from fd into buffer within the deadline. Returns its length
 * without the newline, or -1. */
static int read_line(int fd, char* buffer, size_t size, long long deadline_ms)
{
    size_t used = 0;
    while (used + 1 < size) {
        const long long left = deadline_ms - now_ms();
        struct pollfd wait_for = {fd, POLLIN, 0};
        if (left <= 0 || poll(&wait_for, 1, (int)left) <= 0)
            return -1;
        const ssize_t got = read(fd, buffer + used, 1);
        if (got <= 0)
            return -1;
        if (buffer[used] == '\n') {
            buffer[used] = '\0';
            return (int)used;
        }
        ++used;
    }
    return -1;
}

int test_emulator_start(test_emulator* emulator, const char* executable,
                        const char* const* extra_args)
{
    const char* argv[MAX_ARGS];
    int argc = 0;
    argv[argc++] = executable;
    argv[argc++] = "--port";
    argv[argc++] = "0";
    for (; extra_args != NULL && *extra_args != NULL && argc < MAX_ARGS - 1; ++extra_args)
        argv[argc++] = *extra_args;
    argv[argc] = NULL;

    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) {
        perror("emulator: pipe");
        return -1;
    }
    fflush(NULL);
    const pid_t pid = fork();
    if (pid < 0) {
        perror("emulator: fork");
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(pipe_fds[1], STDOUT_FILENO);
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        /* execv takes char* const[] for historical reasons; it does not
         * modify the strings. */
        execv(executable, (char* const*)argv);
        fprintf(stderr, "emulator: cannot run %s: %s\n", executable, strerror(errno));
        _exit(127);
    }
    close(pipe_fds[1]);

    emulator->pid = pid;
    emulator->stdout_fd = pipe_fds[0];
    emulator->port = 0;
    char line[256];
    const int length = read_line(emulator->stdout_fd, line, sizeof line, now_ms() + 30000);
    const size_t prefix_length = strlen(READY_PREFIX);
    if (length < 0 || strncmp(line, READY_PREFIX, prefix_length) != 0) {
        fprintf(stderr, "emulator: %s did not print \"%s<port>\" within 30 s\n", executable,
                READY_PREFIX);
        test_emulator_stop(emulator);
        return -1;
    }
    emulator->port = atoi(line + prefix_length);
    snprintf(emulator->base_url, sizeof emulator->base_url, "http://127.0.0.1:%d", emulator->port);
    return 0;
}

int test_emulator_post(const test_emulator* emulator, const char* path, const char* json_body)
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons((unsigned short)emulator->port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (const struct sockaddr*)&address, sizeof address) != 0) {
        close(fd);
        return -1;
    }

    char request[4096];
    const int length = snprintf(request, sizeof request,
                                "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                                "Content-Type: application/json\r\nContent-Length: %zu\r\n"
                                "Connection: close\r\n\r\n%s",
                                path, emulator->port, strlen(json_body), json_body);
    if (length < 0 || (size_t)length >= sizeof request ||
        write(fd, request, (size_t)length) != length) {
        close(fd);
        return -1;
    }

    char status_line[64];
    const int got = read_line(fd, status_line, sizeof status_line, now_ms() + 10000);
    close(fd);
    int status = -1;
    if (got < 0 || sscanf(status_line, "HTTP/1.1 %d", &status) != 1)
        return -1;
    return status;
}

void test_emulator_stop(test_emulator* emulator)
{
    if (emulator->pid <= 0)
        return;
    kill(emulator->pid, SIGTERM);
    const long long deadline = now_ms() + 5000;
    int reaped = 0;
    while (!reaped && now_ms() < deadline) {
        reaped = waitpid(emulator->pid, NULL, WNOHANG) == emulator->pid;
        if (!reaped) {
            const struct timespec pause = {0, 20 * 1000 * 1000};
            nanosleep(&pause, NULL);
        }
    }
    if (!reaped) {
        kill(emulator->pid, SIGKILL);
        waitpid(emulator->pid, NULL, 0);
    }
    close(emulator->stdout_fd);
    emulator->pid = 0;
}
