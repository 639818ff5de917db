/*
 * fuzz_html.c - libFuzzer harness of text extraction (parsers/text.c):
 * the input is the body of a text/html part (its length picks the
 * charset and transfer encoding), reduced to text and normalised; every
 * map entry must point inside the decoded part.
 */
#include <gmime/gmime.h>
#include <string.h>

#include "parsers/parsers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const heads[] = {
        "Content-Type: text/html; charset=utf-8\n\n",
        "Content-Type: text/html; charset=windows-1252\nContent-Transfer-Encoding: quoted-printable\n\n",
        "Content-Type: text/html\nContent-Transfer-Encoding: base64\n\n",
        "Content-Type: text/html; charset=iso-2022-jp\n\n",
        "Content-Type: text/plain; charset=utf-16\n\n",
        "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/html\n\n",
    };
    tl_library_init();
    const char *head = heads[size % G_N_ELEMENTS(heads)];
    GByteArray *raw = g_byte_array_new();
    const char *top = "From: a@example.org\nTo: b@army.ml\nMIME-Version: 1.0\n";
    g_byte_array_append(raw, (const guint8 *)top, (guint)strlen(top));
    g_byte_array_append(raw, (const guint8 *)head, (guint)strlen(head));
    g_byte_array_append(raw, data, (guint)size);
    GMimeStream *s = g_mime_stream_mem_new_with_byte_array(raw);
    GMimeParser *ps = g_mime_parser_new_with_stream(s);
    GMimeMessage *m = g_mime_parser_construct_message(ps, NULL);
    if (m) {
        tl_text_limits lim;
        tl_text_limits_init(&lim);
        lim.max_part = 1 << 20;
        GPtrArray *an = g_ptr_array_new_with_free_func(g_free);
        GPtrArray *parts = tl_text_extract(m, &lim, an);
        for (guint i = 0; i < parts->len; i++) {
            const tl_text_part *p = parts->pdata[i];
            if (p->len && (!p->map || p->map[p->len] < p->map[0] || strlen(p->text) > p->len))
                __builtin_trap();
            for (size_t k = 0; k < p->len; k++)
                if (p->map[k] > p->map[p->len])
                    __builtin_trap();
        }
        g_ptr_array_unref(parts);
        g_ptr_array_unref(an);
        g_object_unref(m);
    }
    g_object_unref(ps);
    g_object_unref(s);
    return 0;
}
