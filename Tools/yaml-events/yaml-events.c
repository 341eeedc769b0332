/*
 * yaml-events: print libyaml's own event stream for a file, in the YAML test suite's test.event format.
 *
 * The YAML layer's conformance harness uses it as the referee: a suite case may stand in the harness's list of
 * known libyaml differences only where this program, which is libyaml and nothing else, differs from the
 * suite too. Build: cc yaml-events.c $(pkg-config --cflags --libs yaml-0.1) -o yaml-events
 * Usage: yaml-events FILE   (exit 0 when the stream parsed, 1 on a libyaml error, 2 on a usage or I/O error)
 */
#include <stdio.h>
#include <string.h>
#include <yaml.h>

static void print_escaped(const unsigned char *text, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        switch (text[i]) {
        case '\\': fputs("\\\\", stdout); break;
        case '\0': fputs("\\0", stdout); break;
        case '\b': fputs("\\b", stdout); break;
        case '\n': fputs("\\n", stdout); break;
        case '\r': fputs("\\r", stdout); break;
        case '\t': fputs("\\t", stdout); break;
        default: putchar(text[i]); break;
        }
    }
}

static void print_properties(const yaml_char_t *anchor, const yaml_char_t *tag)
{
    if (anchor) printf(" &%s", (const char *)anchor);
    if (tag) printf(" <%s>", (const char *)tag);
}

static void print_event(const yaml_event_t *event)
{
    switch (event->type) {
    case YAML_STREAM_START_EVENT: puts("+STR"); break;
    case YAML_STREAM_END_EVENT: puts("-STR"); break;
    case YAML_DOCUMENT_START_EVENT:
        puts(event->data.document_start.implicit ? "+DOC" : "+DOC ---");
        break;
    case YAML_DOCUMENT_END_EVENT:
        puts(event->data.document_end.implicit ? "-DOC" : "-DOC ...");
        break;
    case YAML_MAPPING_START_EVENT:
        fputs("+MAP", stdout);
        if (event->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE) fputs(" {}", stdout);
        print_properties(event->data.mapping_start.anchor, event->data.mapping_start.tag);
        putchar('\n');
        break;
    case YAML_MAPPING_END_EVENT: puts("-MAP"); break;
    case YAML_SEQUENCE_START_EVENT:
        fputs("+SEQ", stdout);
        if (event->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE) fputs(" []", stdout);
        print_properties(event->data.sequence_start.anchor, event->data.sequence_start.tag);
        putchar('\n');
        break;
    case YAML_SEQUENCE_END_EVENT: puts("-SEQ"); break;
    case YAML_SCALAR_EVENT: {
        static const char styles[] = {':', ':', '\'', '"', '|', '>'};
        yaml_scalar_style_t style = event->data.scalar.style;
        fputs("=VAL", stdout);
        print_properties(event->data.scalar.anchor, event->data.scalar.tag);
        printf(" %c", style < sizeof styles ? styles[style] : ':');
        print_escaped(event->data.scalar.value, event->data.scalar.length);
        putchar('\n');
        break;
    }
    case YAML_ALIAS_EVENT: printf("=ALI *%s\n", (const char *)event->data.alias.anchor); break;
    default: break;
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: yaml-events FILE\n", stderr);
        return 2;
    }
    FILE *file = fopen(argv[1], "rb");
    if (!file) {
        perror(argv[1]);
        return 2;
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        fclose(file);
        return 2;
    }
    yaml_parser_set_input_file(&parser, file);
    int status = 0;
    for (;;) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            fprintf(stderr, "%s:%zu:%zu: error: %s\n", argv[1], parser.problem_mark.line + 1,
                    parser.problem_mark.column + 1, parser.problem ? parser.problem : "unknown error");
            status = 1;
            break;
        }
        print_event(&event);
        int done = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
        if (done) break;
    }
    yaml_parser_delete(&parser);
    fclose(file);
    return status;
}
