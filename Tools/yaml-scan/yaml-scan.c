/*
 * yaml-scan: the floor for any parser built on libyaml. It reads a file's events with libyaml and does nothing
 * with them, then prints the wall time and the process's peak memory as JSON:
 *   {"seconds": 0.91, "peak_rss_bytes": 1843200, "events": 2400012}
 * Build: cc -O2 yaml-scan.c $(pkg-config --cflags --libs yaml-0.1) -o yaml-scan
 */
#include <stdio.h>
#include <time.h>
#include <yaml.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: yaml-scan FILE\n", stderr);
        return 2;
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    FILE *file = fopen(argv[1], "rb");
    if (!file) {
        perror(argv[1]);
        return 2;
    }
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, file);
    long events = 0;
    int status = 0;
    for (;;) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            fprintf(stderr, "%s: %s\n", argv[1], parser.problem ? parser.problem : "error");
            status = 1;
            break;
        }
        events++;
        int done = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
        if (done) break;
    }
    yaml_parser_delete(&parser);
    fclose(file);
    clock_gettime(CLOCK_MONOTONIC, &end);
    /* VmHWM, not ru_maxrss: the latter keeps the parent's peak across fork and exec. */
    long peak_kb = 0;
    FILE *status_file = fopen("/proc/self/status", "r");
    if (status_file) {
        char line[256];
        while (fgets(line, sizeof line, status_file))
            if (sscanf(line, "VmHWM: %ld kB", &peak_kb) == 1) break;
        fclose(status_file);
    }
    double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    printf("{\"seconds\": %.4f, \"peak_rss_bytes\": %ld, \"events\": %ld}\n", seconds, peak_kb * 1024L, events);
    return status;
}
