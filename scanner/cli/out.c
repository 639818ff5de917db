/*
 * out.c - outputs that never destroy: -o FILE and -o DIR written under a
 * temporary name and renamed when complete (cli.h).
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "scanner/cli/cli.h"

int
cli_out_open(cli_out *o, const char *path, int dir)
{
    memset(o, 0, sizeof *o);
    o->path = g_strdup(path);
    o->dir = dir;
    char *parent = g_path_get_dirname(path), *base = g_path_get_basename(path);
    char *tmpl = g_strdup_printf("%s/.%s.partial-XXXXXX", parent, base);
    g_free(parent);
    g_free(base);
    if (dir) {
        if (g_file_test(path, G_FILE_TEST_EXISTS) && !g_file_test(path, G_FILE_TEST_IS_DIR)) {
            cli_error("cannot write the folder %s: a file of that name is there", path);
            g_free(tmpl);
            return -1;
        }
        if (!g_mkdtemp_full(tmpl, 0755)) {
            cli_error("cannot write %s: %s", path, g_strerror(errno));
            g_free(tmpl);
            return -1;
        }
    } else {
        int fd = g_mkstemp_full(tmpl, O_RDWR | O_CLOEXEC, 0644);
        if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
            cli_error("cannot write %s: %s", path, g_strerror(errno));
            if (fd >= 0)
                close(fd), g_unlink(tmpl);
            g_free(tmpl);
            return -1;
        }
    }
    o->tmp = tmpl;
    return 0;
}

/* Removes a temporary folder and what is in it. */
static void
remove_tree(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *n;
    while (d && (n = g_dir_read_name(d)) != NULL) {
        char *p = g_build_filename(dir, n, NULL);
        g_unlink(p);
        g_free(p);
    }
    if (d)
        g_dir_close(d);
    g_rmdir(dir);
}

int
cli_out_close(cli_out *o, int ok)
{
    int rc = 0;
    if (o->f && fclose(o->f) != 0 && ok) {
        cli_error("cannot write %s: %s", o->path, g_strerror(errno));
        ok = 0;
        rc = -1;
    }
    o->f = NULL;
    if (ok && !o->dir && g_rename(o->tmp, o->path) != 0) {
        cli_error("cannot write %s: %s", o->path, g_strerror(errno));
        rc = -1;
        ok = 0;
    }
    if (ok && o->dir) {
        /* a new folder: renamed whole; one that is there: each file moved in */
        if (g_rename(o->tmp, o->path) != 0) {
            GDir *d = g_dir_open(o->tmp, 0, NULL);
            const char *n;
            while (d && (n = g_dir_read_name(d)) != NULL && rc == 0) {
                char *from = g_build_filename(o->tmp, n, NULL), *to = g_build_filename(o->path, n, NULL);
                if (g_rename(from, to) != 0) {
                    cli_error("cannot write %s: %s", to, g_strerror(errno));
                    rc = -1;
                }
                g_free(from);
                g_free(to);
            }
            if (d)
                g_dir_close(d);
        }
    }
    if (!ok || rc != 0 || !o->dir)
        g_unlink(o->tmp);
    if (o->dir && g_file_test(o->tmp, G_FILE_TEST_IS_DIR))
        remove_tree(o->tmp);
    g_free(o->tmp);
    g_free(o->path);
    o->tmp = o->path = NULL;
    return rc;
}
