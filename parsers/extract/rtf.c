/*
 * rtf.c - RTF to plain text: RTF attachments and the RTF bodies of TNEF.
 *
 * Debian has no C library that turns RTF into text (unrtf and rtf2html are
 * programs, not libraries; LibreOffice is far too heavy to run per part),
 * so this is a bounded reader of the RTF 1.9 syntax: one pass over the
 * bytes, a group stack capped at 256 levels, output capped at max_text.
 * It keeps the text of the document, its headers, footers, footnotes and
 * annotations; it skips the destinations that hold no text (font, colour
 * and style tables, document info, pictures, objects, field instructions,
 * every \* destination it does not know), honours \uN with \ucN and \'hh
 * (Windows-1252, or the \ansicpgN code page), and writes \par and \row as
 * line ends, \tab and \cell as tabs, so RTF tables come out as
 * tab-separated rows.  In Outlook's HTML-in-RTF (\fromhtml) the text under
 * \htmlrtf is dropped, as Outlook does.
 */
#include <string.h>

#include "parsers/extract/ex_internal.h"

#define MAX_GROUPS 256

typedef struct {
    int skip;       /* inside a destination without text */
    int uc;         /* characters to skip after \uN */
    int htmlrtf;    /* \htmlrtf on */
} state;

/* Windows-1252's 0x80-0x9F. */
static const guint16 cp1252[32] = {
    0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd,
    0x017d, 0xfffd, 0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
    0x0153, 0xfffd, 0x017e, 0x0178,
};

static const char *const skip_dest[] = {
    "fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "objdata", "fldinst", "themedata",
    "colorschememapping", "latentstyles", "datastore", "xmlnstbl", "listtable", "listoverridetable",
    "rsidtbl", "generator", "filetbl", "revtbl", "pgdsctbl", "bkmkstart", "bkmkend", "shppict",
    "nonshppict", "blipuid", "mmathPr", "wgrffmtfilter", "xmlopen", "passwordhash", "template",
    "listtext", "pntext", "pntxta", "pntxtb", "userprops", "docvar", "fchars", "lchars", "title",
    "author", "operator", "company", "falt", "panose", "defchp", "defpap", "htmltag", "mhtmltag",
};

/* Destinations under \* whose text is kept. */
static const char *const keep_star[] = { "annotation", "atnauthor", "footnote", "header", "footer", "shptxt", NULL };

static int
in_list(const char *w, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] && strcmp(w, list[i]) == 0)
            return 1;
    return 0;
}

static void
put_unichar(GString *o, gunichar c)
{
    if (c == 0 || c == 0xfffd || !g_unichar_validate(c))
        return;
    g_string_append_unichar(o, c);
}

static void
put_byte(GString *o, guint8 b, int cp)
{
    if (b < 0x80) {
        g_string_append_c(o, (char)b);
    } else if (cp == 1252 || cp == 0) {
        put_unichar(o, b < 0xa0 ? cp1252[b - 0x80] : b);
    } else {
        char cs[16];
        g_snprintf(cs, sizeof cs, "CP%d", cp);
        char *u = g_convert((const char *)&b, 1, "UTF-8", cs, NULL, NULL, NULL);
        if (u)
            g_string_append(o, u);
        g_free(u);
    }
}

char *
tl_rtf_to_text(const char *d, size_t n, size_t max_text, int *truncated)
{
    size_t i = 0;
    while (i < n && g_ascii_isspace(d[i]))
        i++;
    if (n - i < 5 || strncmp(d + i, "{\\rtf", 5) != 0)
        return NULL;
    GString *o = g_string_new(NULL);
    state st[MAX_GROUPS];
    int depth = 0, cp = 1252, pending_skip = 0;
    st[0] = (state){ 0, 1, 0 };
    *truncated = 0;
    for (; i < n; i++) {
        if (o->len >= max_text) {
            *truncated = 1;
            break;
        }
        state *s = &st[depth];
        char c = d[i];
        if (c == '{') {
            if (depth + 1 >= MAX_GROUPS) {
                *truncated = 1;
                break;
            }
            st[depth + 1] = st[depth];
            depth++;
            pending_skip = 0;
            continue;
        }
        if (c == '}') {
            if (depth > 0)
                depth--;
            continue;
        }
        if (c == '\r' || c == '\n')
            continue;
        if (c != '\\') {
            if (!s->skip && !s->htmlrtf)
                g_string_append_c(o, c);
            continue;
        }
        /* A control word or symbol. */
        if (++i >= n)
            break;
        c = d[i];
        if (!g_ascii_isalpha(c)) {
            if (c == '*') {
                pending_skip = 1;
            } else if (c == '\'' && i + 2 < n && g_ascii_isxdigit(d[i + 1]) && g_ascii_isxdigit(d[i + 2])) {
                guint8 b = (guint8)(g_ascii_xdigit_value(d[i + 1]) * 16 + g_ascii_xdigit_value(d[i + 2]));
                i += 2;
                if (!s->skip && !s->htmlrtf)
                    put_byte(o, b, cp);
            } else if (c == '~') {
                if (!s->skip && !s->htmlrtf)
                    g_string_append_c(o, ' ');
            } else if (c == '_') {
                if (!s->skip && !s->htmlrtf)
                    g_string_append_c(o, '-');
            } else if (c == '\\' || c == '{' || c == '}') {
                if (!s->skip && !s->htmlrtf)
                    g_string_append_c(o, c);
            } else if (c == '\n' || c == '\r') {
                if (!s->skip && !s->htmlrtf)
                    g_string_append_c(o, '\n');
            }
            continue;
        }
        char word[32];
        size_t w = 0;
        while (i < n && g_ascii_isalpha(d[i])) {
            if (w + 1 < sizeof word)
                word[w++] = d[i];
            i++;
        }
        word[w] = '\0';
        int has_num = 0, neg = 0;
        long num = 0;
        if (i < n && d[i] == '-') {
            neg = 1;
            i++;
        }
        while (i < n && g_ascii_isdigit(d[i])) {
            if (num < 10000000)
                num = num * 10 + (d[i] - '0');
            has_num = 1;
            i++;
        }
        if (neg)
            num = -num;
        if (!(i < n && d[i] == ' '))
            i--;            /* the delimiter belongs to the text */
        if (pending_skip) {
            pending_skip = 0;
            if (!in_list(word, keep_star, G_N_ELEMENTS(keep_star)))
                s->skip = 1;
            continue;
        }
        if (in_list(word, skip_dest, G_N_ELEMENTS(skip_dest))) {
            s->skip = 1;
            continue;
        }
        if (strcmp(word, "ansicpg") == 0 && has_num) {
            cp = (int)num;
            continue;
        }
        if (strcmp(word, "uc") == 0 && has_num) {
            s->uc = (int)CLAMP(num, 0, 8);
            continue;
        }
        if (strcmp(word, "htmlrtf") == 0) {
            s->htmlrtf = !has_num || num != 0;
            continue;
        }
        if (s->skip || s->htmlrtf)
            continue;
        if (strcmp(word, "u") == 0 && has_num) {
            put_unichar(o, (gunichar)(num < 0 ? num + 65536 : num));
            /* Skip the fallback characters (a \'hh counts as one). */
            for (int k = 0; k < s->uc && i + 1 < n; k++) {
                if (d[i + 1] == '\\' && i + 4 < n && d[i + 2] == '\'')
                    i += 4;
                else if (d[i + 1] == '{' || d[i + 1] == '}' || d[i + 1] == '\\')
                    break;
                else
                    i++;
            }
        } else if (strcmp(word, "par") == 0 || strcmp(word, "line") == 0 || strcmp(word, "sect") == 0
                   || strcmp(word, "page") == 0 || strcmp(word, "row") == 0) {
            g_string_append_c(o, '\n');
        } else if (strcmp(word, "tab") == 0 || strcmp(word, "cell") == 0) {
            g_string_append_c(o, '\t');
        } else if (strcmp(word, "emdash") == 0) {
            g_string_append(o, "\xe2\x80\x94");
        } else if (strcmp(word, "endash") == 0) {
            g_string_append(o, "\xe2\x80\x93");
        } else if (strcmp(word, "lquote") == 0 || strcmp(word, "rquote") == 0) {
            g_string_append_c(o, '\'');
        } else if (strcmp(word, "ldblquote") == 0 || strcmp(word, "rdblquote") == 0) {
            g_string_append_c(o, '"');
        } else if (strcmp(word, "bullet") == 0) {
            g_string_append(o, "\xe2\x80\xa2");
        }
    }
    if (o->len > max_text) {
        *truncated = 1;
        size_t cut = max_text;
        while (cut > 0 && ((guchar)o->str[cut] & 0xc0) == 0x80)
            cut--;
        g_string_truncate(o, cut);
    }
    /* \cell\row leaves a tab before each line end: drop it. */
    GString *clean = g_string_sized_new(o->len);
    for (size_t k = 0; k < o->len; k++)
        if (!(o->str[k] == '\t' && k + 1 < o->len && o->str[k + 1] == '\n'))
            g_string_append_c(clean, o->str[k]);
    g_string_free(o, TRUE);
    char *v = g_utf8_make_valid(clean->str, (gssize)clean->len);
    g_string_free(clean, TRUE);
    return v;
}

void
tl_ex_rtf(tl_ex *x, const char *data, size_t len)
{
    int cut = 0;
    char *text = tl_rtf_to_text(data, len, x->lim->max_text, &cut);
    if (!text) {
        tl_ex_fail(x, TL_EX_FAILED, "not RTF");
        return;
    }
    tl_ex_append(x, text, strlen(text));
    g_free(text);
    if (cut)
        tl_ex_anomaly(x, "limit: text per attachment (%zu bytes) reached", x->lim->max_text);
    if (x->lim->find_tables)
        tl_tables_detect(x->r->text->str, x->r->text->len, x->r->tables);
}
