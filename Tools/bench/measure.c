/*
 * measure: run a command and print its wall time, peak resident memory and CPU time as JSON:
 *   measure PROGRAM [ARGS...]   ->   {"seconds": 1.2345, "peak_rss_bytes": 137000000, "status": 0, "cpu_seconds": 0.8}
 * The command's standard output is discarded; its standard error passes through. The peak is the child's own
 * ru_maxrss from wait4: this launcher is small, so what the child inherits across fork and exec is negligible
 * (unlike a Python parent, whose ~15 MB would be counted). The CPU time is the child's user plus system time from
 * the same rusage: its own threads, and any children it waited for, but not this launcher.
 * Build: cc -O2 measure.c -o measure
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: measure PROGRAM [ARGS...]\n", stderr);
        return 2;
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) dup2(null, 1);
        execvp(argv[1], argv + 1);
        perror(argv[1]);
        _exit(127);
    }
    int status = 0;
    struct rusage usage;
    if (wait4(pid, &status, 0, &usage) < 0) {
        perror("wait4");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    double cpu = (double)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + (double)(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    printf("{\"seconds\": %.4f, \"peak_rss_bytes\": %ld, \"status\": %d, \"cpu_seconds\": %.4f}\n", seconds,
           usage.ru_maxrss * 1024L, code, cpu);
    return 0;
}
