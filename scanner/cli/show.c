/*
 * show.c - `typoleak show --db FILE MESSAGE`.
 */
#include <glib.h>
#include <stdio.h>

#include "scanner/cli/cli.h"

static int
show(const char *db, char **args)
{
    char *msg = NULL;
    tl_status_t st = tl_show(db, args[0], stdout, &msg);
    return cli_status(st, msg);
}

int
cli_show(int argc, char **argv)
{
    return cli_db_command(argc, argv, "one message's record (number, SHA-256 prefix or Message-ID)", NULL, 1, show);
}
