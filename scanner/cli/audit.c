/*
 * audit.c - `typoleak audit --db FILE`: accounting from the database alone.
 */
#include <glib.h>
#include <stdio.h>

#include "scanner/cli/cli.h"

static int
audit(const char *db, char **args)
{
    (void)args;
    char *msg = NULL;
    tl_audit_counts c;
    tl_status_t st = tl_audit(db, stdout, &c, &msg);
    if (st != TL_OK)
        return cli_status(TL_ERR_DB, msg);
    return c.problems ? EXIT_LOST : EXIT_OK;
}

int
cli_audit(int argc, char **argv)
{
    return cli_db_command(argc, argv, "prove from the database alone that nothing was lost",
                          "Exit status: 0 when every source, message and mbox byte is accounted for, 5 when "
                          "something is not (one line each), 1 when the database cannot be read.",
                          0, audit);
}
