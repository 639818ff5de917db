/*
 * job.c - allocation and release of pipeline jobs and the records workers
 * make of messages; names of the record's anomaly codes; where a text
 * part's quoted text lies.
 */
#include <gmime/gmime.h>

#include "scanner/job.h"

tl_job *
tl_job_new(tl_job_type type)
{
    tl_job *j = g_new0(tl_job, 1);
    j->type = type;
    j->mtime = -1;
    j->marker_offset = (uint64_t)-1;
    return j;
}

void
tl_job_free(tl_job *j)
{
    if (!j)
        return;
    g_free(j->path);
    g_free(j->member);
    g_free(j->kind);
    g_free(j->format);
    g_free(j->state);
    if (j->raw)
        g_byte_array_free(j->raw, j->chunk == NULL);    /* borrowed bytes are the chunk's */
    tl_chunk_unref(j->chunk);
    g_free(j->marker);
    g_free(j->flags);
    tl_record_free(j->rec);
    g_free(j->stage);
    g_free(j->reason);
    g_free(j);
}

void
tl_record_free(tl_record *r)
{
    if (!r)
        return;
    g_free(r->message_id);
    g_free(r->date);
    g_free(r->date_utc);
    g_free(r->date_header_utc);
    g_free(r->in_reply_to);
    g_free(r->refs);
    g_free(r->thread_key);
    g_free(r->from_unit);
    g_free(r->from);
    g_free(r->from_addr);
    g_free(r->sender);
    g_free(r->reply_to);
    g_free(r->subject);
    g_free(r->limit_note);
    if (r->recipients)
        g_ptr_array_free(r->recipients, TRUE);
    if (r->anomalies)
        g_array_free(r->anomalies, TRUE);
    if (r->bounces)
        g_ptr_array_free(r->bounces, TRUE);
    if (r->findings)
        g_ptr_array_free(r->findings, TRUE);
    g_free(r->categories);
    g_free(r->text_masked);
    if (r->attachments)
        g_ptr_array_free(r->attachments, TRUE);
    g_free(r);
}

void
tl_attachment_free(gpointer p)
{
    tl_attachment *a = p;
    g_free(a->path);
    g_free(a->filename);
    g_free(a->declared);
    g_free(a->reason);
    g_free(a->camera);
    g_free(a->taken);
    g_free(a);
}

const char *
tl_anomaly_name(int code)
{
    switch ((GMimeParserWarning)code) {
    case GMIME_WARN_DUPLICATED_HEADER: return "duplicated-header";
    case GMIME_WARN_DUPLICATED_PARAMETER: return "duplicated-parameter";
    case GMIME_WARN_UNENCODED_8BIT_HEADER: return "unencoded-8bit-header";
    case GMIME_WARN_INVALID_CONTENT_TYPE: return "invalid-content-type";
    case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE: return "invalid-rfc2047-header-value";
    case GMIME_WARN_MALFORMED_MULTIPART: return "malformed-multipart";
    case GMIME_WARN_TRUNCATED_MESSAGE: return "truncated-message";
    case GMIME_WARN_MALFORMED_MESSAGE: return "malformed-message";
    case GMIME_CRIT_INVALID_HEADER_NAME: return "invalid-header-name";
    case GMIME_CRIT_CONFLICTING_HEADER: return "conflicting-header";
    case GMIME_CRIT_CONFLICTING_PARAMETER: return "conflicting-parameter";
    case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY: return "multipart-without-boundary";
    case GMIME_WARN_INVALID_PARAMETER: return "invalid-parameter";
    case GMIME_WARN_INVALID_ADDRESS_LIST: return "invalid-address-list";
    case GMIME_CRIT_NESTING_OVERFLOW: return "nesting-overflow";
    case GMIME_WARN_PART_WITHOUT_CONTENT: return "part-without-content";
    case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT: return "part-without-headers-or-content";
    }
    if (code == TL_ANOMALY_TEXT)
        return "text-extraction";
    return "unknown-warning";
}

int
tl_text_is_quoted(const tl_text_part *p, size_t off)
{
    if (off >= p->quote_from)
        return 1;
    size_t s = off;
    while (s > 0 && p->text[s - 1] != '\n')
        s--;
    while (s < p->len && (p->text[s] == ' ' || p->text[s] == '\t'))
        s++;
    return s < p->len && p->text[s] == '>';
}
