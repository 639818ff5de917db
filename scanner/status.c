/*
 * status.c - names, descriptions and grades of tl_status_t.
 *
 * Each function is a switch with no default case, so that the compiler
 * warns (-Wswitch) about any status that has no text: a code cannot be
 * added without saying what it means (curl's strerror does the same).
 */
#include "scanner/typoleak.h"

const char *
tl_status_name(tl_status_t st)
{
    switch (st) {
    case TL_OK: return "TL_OK";
    case TL_WARN_TRUNCATED: return "TL_WARN_TRUNCATED";
    case TL_ERR_OPEN: return "TL_ERR_OPEN";
    case TL_ERR_READ: return "TL_ERR_READ";
    case TL_ERR_ARCHIVE: return "TL_ERR_ARCHIVE";
    case TL_ERR_ENCRYPTED: return "TL_ERR_ENCRYPTED";
    case TL_ERR_NESTING: return "TL_ERR_NESTING";
    case TL_ERR_TOO_BIG: return "TL_ERR_TOO_BIG";
    case TL_ERR_PARSE: return "TL_ERR_PARSE";
    case TL_ERR_EMPTY: return "TL_ERR_EMPTY";
    case TL_ERR_UNSUPPORTED: return "TL_ERR_UNSUPPORTED";
    case TL_SKIP_MAILDIR_TMP: return "TL_SKIP_MAILDIR_TMP";
    case TL_SKIP_SYMLINK: return "TL_SKIP_SYMLINK";
    case TL_ERR_DB: return "TL_ERR_DB";
    case TL_ERR_USAGE: return "TL_ERR_USAGE";
    case TL_ERR_NOMEM: return "TL_ERR_NOMEM";
    case TL_ERR_INTERNAL: return "TL_ERR_INTERNAL";
    case TL_WARN_JUNK: return "TL_WARN_JUNK";
    case TL_INTERRUPTED: return "TL_INTERRUPTED";
    case TL_SKIP_SPECIAL: return "TL_SKIP_SPECIAL";
    case TL_SKIP_OWN: return "TL_SKIP_OWN";
    case TL_STATUS_LAST: break;
    }
    return "TL_UNKNOWN";
}

const char *
tl_status_str(tl_status_t st)
{
    switch (st) {
    case TL_OK: return "no error";
    case TL_WARN_TRUNCATED: return "container ended early; the messages before the damage were kept";
    case TL_ERR_OPEN: return "input could not be opened";
    case TL_ERR_READ: return "read error inside an input";
    case TL_ERR_ARCHIVE: return "archive or archive entry could not be read";
    case TL_ERR_ENCRYPTED: return "archive entry is encrypted";
    case TL_ERR_NESTING: return "archive nested deeper than the limit";
    case TL_ERR_TOO_BIG: return "item larger than its size limit";
    case TL_ERR_PARSE: return "message could not be parsed";
    case TL_ERR_EMPTY: return "empty message";
    case TL_ERR_UNSUPPORTED: return "recognised format that this version cannot read";
    case TL_SKIP_MAILDIR_TMP: return "Maildir tmp/ file (delivery in progress), not indexed";
    case TL_SKIP_SYMLINK: return "symbolic link, not followed";
    case TL_SKIP_SPECIAL: return "named pipe, socket or device, not read";
    case TL_SKIP_OWN: return "typoleak's own database, index, case key or report, not read";
    case TL_ERR_DB: return "database error";
    case TL_ERR_USAGE: return "invalid arguments";
    case TL_ERR_NOMEM: return "out of memory";
    case TL_ERR_INTERNAL: return "internal error";
    case TL_WARN_JUNK: return "bytes outside any message";
    case TL_INTERRUPTED: return "the scan was interrupted; run the same command again to finish it";
    case TL_STATUS_LAST: break;
    }
    return "unknown status";
}

tl_grade_t
tl_status_grade(tl_status_t st)
{
    switch (st) {
    case TL_OK: return TL_GRADE_OK;
    case TL_WARN_TRUNCATED:
    case TL_WARN_JUNK: return TL_GRADE_WARN;
    case TL_INTERRUPTED: return TL_GRADE_FATAL;
    case TL_ERR_OPEN:
    case TL_ERR_READ:
    case TL_ERR_ARCHIVE:
    case TL_ERR_ENCRYPTED:
    case TL_ERR_NESTING:
    case TL_ERR_TOO_BIG:
    case TL_ERR_PARSE:
    case TL_ERR_EMPTY:
    case TL_ERR_UNSUPPORTED: return TL_GRADE_FAILED;
    case TL_SKIP_MAILDIR_TMP:
    case TL_SKIP_SYMLINK:
    case TL_SKIP_SPECIAL:
    case TL_SKIP_OWN: return TL_GRADE_SKIP;
    case TL_ERR_DB:
    case TL_ERR_USAGE:
    case TL_ERR_NOMEM:
    case TL_ERR_INTERNAL: return TL_GRADE_FATAL;
    case TL_STATUS_LAST: break;
    }
    return TL_GRADE_FATAL;
}
