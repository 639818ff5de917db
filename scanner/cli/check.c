/*
 * check.c - `typoleak check ADDRESS...` (or one per line on stdin):
 * the typo engine's verdict for each address, without a scan, for mail
 * gateways and scripts; and `typoleak variants DOMAIN...`: what the engine
 * flags for a protected domain, as text, CSV, JSON or a Postfix access map.
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "scanner/cli/cli.h"

/* The domain of an address (after its last '@'), or the argument itself. */
static const char *
domain_of(const char *addr, const char **local_end)
{
    const char *at = strrchr(addr, '@');
    *local_end = at;
    return at ? at + 1 : addr;
}

/* Whether s is a host name: two labels or more, each of letters, digits,
 * hyphens (not at either end) or non-ASCII letters (an IDN), 63 bytes at
 * most, 253 in all; one trailing dot allowed. */
static int
is_domain(const char *s)
{
    size_t n = strlen(s);
    if (n && s[n - 1] == '.')
        n--;
    if (n == 0 || n > 253 || !memchr(s, '.', n))
        return 0;
    size_t label = 0;
    for (size_t i = 0; i <= n; i++) {
        unsigned char c = i < n ? (unsigned char)s[i] : '.';
        if (c == '.') {
            if (label == 0 || label > 63 || s[i - 1] == '-' || s[i - label] == '-')
                return 0;
            label = 0;
        } else if (g_ascii_isalnum(c) || c == '-' || c >= 0x80)
            label++;
        else
            return 0;
    }
    return 1;
}

/* Two decimals are all a prior or score means. */
static double
two(double x)
{
    return (double)(long)(x * 100.0 + 0.5) / 100.0;
}

static void
print_json(JsonBuilder *b)
{
    JsonGenerator *g = json_generator_new();
    JsonNode *root = json_builder_get_root(b);
    json_generator_set_root(g, root);
    char *text = json_generator_to_data(g, NULL), *tidy = tl_json_tidy_numbers(text);
    puts(tidy);
    g_free(tidy);
    g_free(text);
    json_node_unref(root);
    g_object_unref(g);
}

static void
check_one(const tl_protect *p, const char *arg, int json)
{
    const char *local_end;
    char *addr = g_strstrip(g_strdup(arg));
    char *lt = strrchr(addr, '<');
    if (lt && g_str_has_suffix(lt, ">")) {      /* "Name <addr>": the address */
        char *inner = g_strndup(lt + 1, strlen(lt) - 2);
        g_free(addr);
        addr = g_strstrip(inner);
    }
    const char *dom = domain_of(addr, &local_end);
    tl_typo_verdict v;
    char why[700];
    if (!is_domain(dom) || (local_end && local_end == addr)) {
        /* neither an address nor a domain: no verdict to give */
        if (json) {
            JsonBuilder *b = json_builder_new();
            json_builder_begin_object(b);
            json_builder_set_member_name(b, "address");
            json_builder_add_string_value(b, addr);
            json_builder_set_member_name(b, "verdict");
            json_builder_add_string_value(b, "invalid");
            json_builder_set_member_name(b, "explanation");
            json_builder_add_string_value(b, "neither an e-mail address nor a domain name");
            json_builder_end_object(b);
            print_json(b);
            g_object_unref(b);
        } else
            printf("%s\tinvalid\t-\t-\t-\t-\tneither an e-mail address nor a domain name\n", addr);
        g_free(addr);
        return;
    }
    tl_typo_check(p, dom, &v);
    tl_typo_explain(&v, why, sizeof why);
    char *intended_addr = NULL;
    if (v.is_typo && local_end)
        intended_addr = g_strdup_printf("%.*s@%s", (int)(local_end - addr), addr, v.intended);
    if (json) {
        JsonBuilder *b = json_builder_new();
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "address");
        json_builder_add_string_value(b, addr);
        json_builder_set_member_name(b, "domain");
        json_builder_add_string_value(b, v.domain);
        json_builder_set_member_name(b, "verdict");
        json_builder_add_string_value(b, tl_verdict_name(v.verdict));
        json_builder_set_member_name(b, "intended_domain");
        if (v.is_typo)
            json_builder_add_string_value(b, v.intended);
        else
            json_builder_add_null_value(b);
        json_builder_set_member_name(b, "intended_address");
        if (intended_addr)
            json_builder_add_string_value(b, intended_addr);
        else
            json_builder_add_null_value(b);
        json_builder_set_member_name(b, "class");
        if (v.is_typo)
            json_builder_add_string_value(b, v.klass);
        else
            json_builder_add_null_value(b);
        json_builder_set_member_name(b, "edit");
        if (v.is_typo)
            json_builder_add_string_value(b, v.edit);
        else
            json_builder_add_null_value(b);
        json_builder_set_member_name(b, "exposure");
        json_builder_add_string_value(b, tl_exposure_name(v.exposure));
        json_builder_set_member_name(b, "registrable");
        if (v.registrable[0])
            json_builder_add_string_value(b, v.registrable);
        else
            json_builder_add_null_value(b);
        json_builder_set_member_name(b, "prior");
        json_builder_add_double_value(b, two(v.prior));
        json_builder_set_member_name(b, "score");
        json_builder_add_double_value(b, two(v.score));
        json_builder_set_member_name(b, "needs_context");
        json_builder_add_boolean_value(b, v.needs_context);
        json_builder_set_member_name(b, "strong");
        json_builder_add_boolean_value(b, v.strong);
        json_builder_set_member_name(b, "explanation");
        json_builder_add_string_value(b, why);
        json_builder_end_object(b);
        print_json(b);
        g_object_unref(b);
    } else {
        printf("%s\t%s\t%s\t%s\t%s\t%.2f\t%s\n", addr, tl_verdict_name(v.verdict), intended_addr ? intended_addr : "-",
               v.is_typo ? v.klass : "-", tl_exposure_name(v.exposure), v.score, why);
    }
    g_free(intended_addr);
    g_free(addr);
}

int
cli_check(int argc, char **argv)
{
    char *format = NULL;
    cli_lists lists = { 0 };
    GOptionEntry entries[] = {
        { "format", 0, 0, G_OPTION_ARG_STRING, &format, "text (default, tab-separated) or json (one object a line)",
          "FORMAT" },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    GOptionContext *ctx = g_option_context_new("[ADDRESS...] - the typo verdict for each address (stdin when none)");
    g_option_context_add_main_entries(ctx, entries, NULL);
    cli_lists_add(ctx, &lists);
    GError *err = NULL;
    int rc = EXIT_USAGE;
    tl_protect *p = NULL;
    if (!cli_parse(ctx, &argc, &argv, &err)) {
        cli_error("%s", err->message);
        g_error_free(err);
        goto out;
    }
    if (format && g_strcmp0(format, "text") != 0 && g_strcmp0(format, "json") != 0) {
        cli_error("unknown --format '%s': check writes text or json", format);
        goto out;
    }
    if (!(p = cli_lists_build(&lists)))
        goto out;
    int json = g_strcmp0(format, "json") == 0;
    if (!json)
        puts("address\tverdict\tintended\tclass\texposure\tscore\texplanation");
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            check_one(p, argv[i], json);
    } else {
        char line[4096];
        while (fgets(line, sizeof line, stdin))
            if (*g_strstrip(line))
                check_one(p, line, json);
    }
    rc = EXIT_OK;
out:
    tl_protect_free(p);
    cli_lists_clear(&lists);
    g_free(format);
    g_option_context_free(ctx);
    return rc;
}

int
cli_variants(int argc, char **argv)
{
    char *format = NULL;
    cli_lists lists = { 0 };
    GOptionEntry entries[] = {
        { "format", 0, 0, G_OPTION_ARG_STRING, &format,
          "text (default), csv, json (one object a line), or postfix (an access map rejecting the open variants)",
          "FORMAT" },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    GOptionContext *ctx = g_option_context_new("DOMAIN... - what the engine flags for each protected domain");
    g_option_context_add_main_entries(ctx, entries, NULL);
    cli_lists_add(ctx, &lists);
    GError *err = NULL;
    int rc = EXIT_USAGE;
    tl_protect *p = NULL;
    static const char *const formats[] = { "text", "csv", "json", "postfix", NULL };
    if (!cli_parse(ctx, &argc, &argv, &err)) {
        cli_error("%s", err->message);
        g_error_free(err);
        goto out;
    }
    if (format && !g_strv_contains(formats, format)) {
        cli_error("unknown --format '%s': variants writes text, csv, json or postfix", format);
        goto out;
    }
    if (argc < 2) {
        cli_error("usage: typoleak variants DOMAIN... [--format text|csv|json|postfix]");
        goto out;
    }
    /* The domains asked about are protected for this listing. */
    GPtrArray *extra = g_ptr_array_new();
    for (int i = 0; lists.protect && lists.protect[i]; i++)
        g_ptr_array_add(extra, lists.protect[i]);
    for (int i = 1; i < argc; i++)
        g_ptr_array_add(extra, argv[i]);
    g_ptr_array_add(extra, NULL);
    char **saved = lists.protect;
    lists.protect = (char **)extra->pdata;
    p = cli_lists_build(&lists);
    lists.protect = saved;
    g_ptr_array_free(extra, TRUE);
    if (!p)
        goto out;
    const char *f = format ? format : "text";
    if (strcmp(f, "csv") == 0)
        puts("protected,variant,class,exposure,registrable,prior,score,needs_context,edit");
    if (strcmp(f, "postfix") == 0)
        printf("# Postfix access map written by typoleak %s: reject mail to domains a third party can\n"
               "# register one typo away from: %s.  Use with\n"
               "#   smtpd_recipient_restrictions = check_recipient_access hash:/etc/postfix/typo_access, ...\n"
               "# and run postmap on this file.\n", TL_VERSION, argv[1]);
    for (int i = 1; i < argc; i++) {
        char **vars = tl_typo_variants(p, argv[i]);
        for (int k = 0; vars[k]; k++) {
            tl_typo_verdict v;
            tl_typo_check(p, vars[k], &v);
            if (!v.is_typo)
                continue;
            if (strcmp(f, "text") == 0)
                printf("%s\t%s\t%s\t%.2f\t%s\n", vars[k], v.klass, tl_exposure_name(v.exposure), v.prior, v.edit);
            else if (strcmp(f, "csv") == 0) {
                char *edit = g_strdup(v.edit);
                for (char *c = edit; *c; c++)
                    if (*c == '"')
                        *c = '\'';
                printf("%s,%s,%s,%s,%s,%.2f,%.2f,%d,\"%s\"\n", v.intended, vars[k], v.klass,
                       tl_exposure_name(v.exposure), v.registrable, v.prior, v.score, v.needs_context, edit);
                g_free(edit);
            } else if (strcmp(f, "json") == 0) {
                JsonBuilder *b = json_builder_new();
                json_builder_begin_object(b);
                json_builder_set_member_name(b, "protected");
                json_builder_add_string_value(b, v.intended);
                json_builder_set_member_name(b, "variant");
                json_builder_add_string_value(b, vars[k]);
                json_builder_set_member_name(b, "class");
                json_builder_add_string_value(b, v.klass);
                json_builder_set_member_name(b, "exposure");
                json_builder_add_string_value(b, tl_exposure_name(v.exposure));
                json_builder_set_member_name(b, "registrable");
                json_builder_add_string_value(b, v.registrable);
                json_builder_set_member_name(b, "prior");
                json_builder_add_double_value(b, two(v.prior));
                json_builder_set_member_name(b, "needs_context");
                json_builder_add_boolean_value(b, v.needs_context);
                json_builder_set_member_name(b, "edit");
                json_builder_add_string_value(b, v.edit);
                json_builder_end_object(b);
                print_json(b);
                g_object_unref(b);
            } else if (v.exposure == TL_EXPOSURE_OPEN && v.strong) {
                printf("%-32s REJECT 5.1.2 typo of %s (%s)\n", vars[k], v.intended, v.klass);
            }
        }
        g_strfreev(vars);
    }
    rc = EXIT_OK;
out:
    tl_protect_free(p);
    cli_lists_clear(&lists);
    g_free(format);
    g_option_context_free(ctx);
    return rc;
}
