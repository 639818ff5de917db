/*
 * peakrss.c - run a command and report its wall time and peak RSS.
 *
 * A dependency-free stand-in for GNU time(1) used by bench/run.sh: forks,
 * execs the command (stdio untouched), waits with wait4() and reads
 * ru_maxrss (KiB on Linux; includes any children the command waited for).
 *
 * Usage: peakrss [-o FILE] -- COMMAND [ARGS...]
 * Writes "wall_seconds=W peak_rss_kb=K exit_status=E cpu_seconds=C" to FILE
 * (default stderr; C is the child's user + system time, the measure that
 * stays meaningful on a machine shared with other work) and exits with the command's exit status (128+signal if killed,
 * 127 if it could not be executed).
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Returns CLOCK_MONOTONIC in seconds. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    const char *out_path = NULL;
    int i = 1;
    if (i + 1 < argc && strcmp(argv[i], "-o") == 0) {
        out_path = argv[i + 1];
        i += 2;
    }
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (i >= argc) {
        fprintf(stderr, "usage: peakrss [-o FILE] -- COMMAND [ARGS...]\n");
        return 2;
    }
    double start = now();
    pid_t pid = fork();
    if (pid < 0) {
        perror("peakrss: fork");
        return 127;
    }
    if (pid == 0) {
        execvp(argv[i], argv + i);
        fprintf(stderr, "peakrss: cannot run %s: %s\n", argv[i], strerror(errno));
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            perror("peakrss: wait4");
            return 127;
        }
    }
    double wall = now() - start;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    FILE *out = out_path ? fopen(out_path, "w") : stderr;
    if (!out) {
        perror(out_path);
        return 127;
    }
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
                 (double)ru.ru_stime.tv_usec / 1e6;
    fprintf(out, "wall_seconds=%.3f peak_rss_kb=%ld exit_status=%d cpu_seconds=%.3f\n", wall, ru.ru_maxrss, code, cpu);
    if (out != stderr)
        fclose(out);
    return code;
}
