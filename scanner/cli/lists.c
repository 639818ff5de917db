/*
 * lists.c - the options every command that judges domains shares:
 * --protect, --protect-file, --allow, --allow-file, on top of the lists
 * compiled in from data/.
 */
#include <glib.h>

#include "scanner/cli/cli.h"

void
cli_lists_add(GOptionContext *ctx, cli_lists *l)
{
    GOptionEntry e[] = {
        { "protect", 0, 0, G_OPTION_ARG_STRING_ARRAY, &l->protect,
          "add a protected domain, or a suffix as '*.mil' (repeatable)", "DOMAIN" },
        { "protect-file", 0, 0, G_OPTION_ARG_FILENAME, &l->protect_file, "add the protected domains in FILE", "FILE" },
        { "allow", 0, 0, G_OPTION_ARG_STRING_ARRAY, &l->allow, "never report DOMAIN as a typo (repeatable)", "DOMAIN" },
        { "allow-file", 0, 0, G_OPTION_ARG_FILENAME, &l->allow_file, "add the allowlisted domains in FILE", "FILE" },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    memcpy(l->entries, e, sizeof e);
    g_option_context_add_main_entries(ctx, l->entries, NULL);
}

tl_protect *
cli_lists_build(const cli_lists *l)
{
    tl_protect *p = tl_protect_new_default();
    char *msg = NULL;
    tl_status_t st = TL_OK;
    const char *what = NULL;
    for (int i = 0; st == TL_OK && l->protect && l->protect[i]; i++)
        st = tl_protect_add(p, l->protect[i], &msg), what = "--protect";
    if (st == TL_OK && l->protect_file)
        st = tl_protect_add_file(p, l->protect_file, &msg), what = "--protect-file";
    for (int i = 0; st == TL_OK && l->allow && l->allow[i]; i++)
        st = tl_protect_allow(p, l->allow[i], &msg), what = "--allow";
    if (st == TL_OK && l->allow_file)
        st = tl_protect_allow_file(p, l->allow_file, &msg), what = "--allow-file";
    if (st != TL_OK) {
        cli_error("%s: %s", what, msg ? msg : tl_status_str(st));
        g_free(msg);
        tl_protect_free(p);
        return NULL;
    }
    return p;
}

void
cli_lists_clear(cli_lists *l)
{
    g_strfreev(l->protect);
    g_strfreev(l->allow);
    g_free(l->protect_file);
    g_free(l->allow_file);
}
