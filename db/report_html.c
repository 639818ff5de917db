/*
 * report_html.c - the report as one self-contained HTML file: the summary,
 * charts drawn as inline SVG (misdirected messages over time, by typo
 * domain, by severity and category), the triage list and every section of
 * report_data.c as a table that sorts when its header is clicked.
 *
 * No network and nothing external: the style, the charts and the small
 * sorting script are in the file; every value from the database is
 * escaped (subjects and addresses come from whoever sent the mail).
 */
#include <json-glib/json-glib.h>
#include <string.h>

#include "db/read.h"

static void
esc(GString *h, const char *s)
{
    char *e = g_markup_escape_text(s ? s : "", -1);
    g_string_append(h, e);
    g_free(e);
}

/* A cell's text: numbers as numbers, NULL empty. */
static char *
cell(JsonNode *n)
{
    if (!n || JSON_NODE_HOLDS_NULL(n))
        return g_strdup("");
    GType t = json_node_get_value_type(n);
    if (t == G_TYPE_INT64)
        return g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(n));
    if (t == G_TYPE_DOUBLE)
        return g_strdup_printf("%.3g", json_node_get_double(n));
    return g_strdup(json_node_get_string(n));
}

static JsonArray *
section(JsonObject *root, const char *name)
{
    return json_object_has_member(root, name) ? json_object_get_array_member(root, name) : NULL;
}

static gint64
num(JsonObject *o, const char *m)
{
    if (!json_object_has_member(o, m))
        return 0;
    JsonNode *n = json_object_get_member(o, m);
    return JSON_NODE_HOLDS_NULL(n) ? 0 : json_node_get_int(n);
}

static const char *
str(JsonObject *o, const char *m)
{
    if (!json_object_has_member(o, m))
        return "";
    JsonNode *n = json_object_get_member(o, m);
    return JSON_NODE_HOLDS_NULL(n) ? "" : json_node_get_string(n);
}

static void
svg_open(GString *h, const char *id, const char *title, int W, int H)
{
    g_string_append_printf(h, "<figure><svg id=\"%s\" class=\"chart\" role=\"img\" viewBox=\"0 0 %d %d\" "
                              "width=\"%d\" height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\"><title>",
                           id, W, H, W, H);
    esc(h, title);
    g_string_append(h, "</title>");
}

static void
svg_close(GString *h, const char *title)
{
    g_string_append(h, "</svg><figcaption>");
    esc(h, title);
    g_string_append(h, "</figcaption></figure>\n");
}

/* A vertical bar chart (labels along the bottom). */
static void
bars_v(GString *h, const char *id, const char *title, char **labels, const gint64 *v, guint n)
{
    const int W = 760, H = 220, L = 40, B = 40;
    gint64 max = 1;
    for (guint i = 0; i < n; i++)
        max = MAX(max, v[i]);
    svg_open(h, id, title, W, H);
    g_string_append_printf(h, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>", L, H - B, W, H - B);
    g_string_append_printf(h, "<text x=\"%d\" y=\"14\" class=\"tick\">%" G_GINT64_FORMAT "</text>", 2, max);
    double bw = n ? (double)(W - L - 10) / n : 0;
    for (guint i = 0; i < n; i++) {
        double bh = (double)(H - B - 20) * (double)v[i] / (double)max, x = L + i * bw + 1;
        g_string_append_printf(h, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"bar\"><title>",
                               x, H - B - bh, MAX(bw - 2, 1.0), bh);
        esc(h, labels[i]);
        g_string_append_printf(h, ": %" G_GINT64_FORMAT "</title></rect>", v[i]);
        /* a label every few bars, so that they do not overlap */
        guint every = n > 24 ? (n + 11) / 12 : 1;
        if (i % every == 0) {
            g_string_append_printf(h, "<text x=\"%.1f\" y=\"%d\" class=\"tick\" transform=\"rotate(40 %.1f %d)\">",
                                   x, H - B + 12, x, H - B + 12);
            esc(h, labels[i]);
            g_string_append(h, "</text>");
        }
    }
    svg_close(h, title);
}

/* Misdirected messages per day, the peak day's bar marked and named. */
static void
daily_chart(GString *h, JsonObject *root)
{
    JsonArray *a = section(root, "daily");
    guint n = a ? json_array_get_length(a) : 0;
    const int W = 760, H = 220, L = 40, B = 40;
    gint64 max = 1;
    guint peak = 0;
    for (guint i = 0; i < n; i++) {
        gint64 v = num(json_array_get_object_element(a, i), "messages");
        if (v > max) {
            max = v;
            peak = i;
        }
    }
    svg_open(h, "chart-daily", "Misdirected messages per day", W, H);
    g_string_append_printf(h, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>", L, H - B, W, H - B);
    g_string_append_printf(h, "<text x=\"2\" y=\"14\" class=\"tick\">%" G_GINT64_FORMAT "</text>", max);
    double bw = n ? (double)(W - L - 10) / n : 0;
    for (guint i = 0; i < n; i++) {
        JsonObject *o = json_array_get_object_element(a, i);
        gint64 v = num(o, "messages");
        double bh = (double)(H - B - 30) * (double)v / (double)max, x = L + i * bw;
        g_string_append_printf(h, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" class=\"%s\"><title>",
                               x, H - B - bh, MAX(bw - (bw > 3 ? 1 : 0), 0.6), bh, i == peak ? "bar peak" : "bar");
        esc(h, str(o, "day"));
        g_string_append_printf(h, ": %" G_GINT64_FORMAT "</title></rect>", v);
    }
    if (n) {
        JsonObject *first = json_array_get_object_element(a, 0), *last = json_array_get_object_element(a, n - 1);
        g_string_append_printf(h, "<text x=\"%d\" y=\"%d\" class=\"tick\">", L, H - B + 14);
        esc(h, str(first, "day"));
        g_string_append_printf(h, "</text><text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">", W, H - B + 14);
        esc(h, str(last, "day"));
        double px = L + peak * bw + bw / 2;
        g_string_append_printf(h, "</text><text x=\"%.1f\" y=\"%d\" class=\"peak-label\" text-anchor=\"%s\">peak ",
                               px, 24, px > W / 2 ? "end" : "start");
        esc(h, str(json_array_get_object_element(a, peak), "day"));
        g_string_append_printf(h, ": %" G_GINT64_FORMAT "</text>", max);
    }
    svg_close(h, "Misdirected messages per day (the peak day marked)");
}

/* A horizontal bar chart (one labelled row per bar). */
static void
bars_h(GString *h, const char *id, const char *title, char **labels, const gint64 *v, guint n)
{
    const int W = 760, row = 20, L = 230;
    int H = (int)MAX(n, 1) * row + 10;
    gint64 max = 1;
    for (guint i = 0; i < n; i++)
        max = MAX(max, v[i]);
    svg_open(h, id, title, W, H);
    for (guint i = 0; i < n; i++) {
        double bw = (double)(W - L - 60) * (double)v[i] / (double)max;
        int y = 5 + (int)i * row;
        g_string_append_printf(h, "<text x=\"%d\" y=\"%d\" class=\"label\" text-anchor=\"end\">", L - 6, y + 14);
        esc(h, labels[i]);
        g_string_append_printf(h, "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" class=\"bar\"><title>",
                               L, y + 2, MAX(bw, 1.0), row - 5);
        esc(h, labels[i]);
        g_string_append_printf(h, ": %" G_GINT64_FORMAT "</title></rect><text x=\"%.1f\" y=\"%d\" class=\"tick\">"
                                  "%" G_GINT64_FORMAT "</text>",
                               v[i], L + bw + 4, y + 14, v[i]);
    }
    svg_close(h, title);
}

/* Chart of one section: label column, value column, at most max rows. */
static void
chart(GString *h, JsonObject *root, const char *sec, const char *lab, const char *val, guint max, int vertical,
      const char *id, const char *title)
{
    JsonArray *a = section(root, sec);
    guint n = a ? MIN(json_array_get_length(a), max) : 0;
    char **labels = g_new0(char *, n + 1);
    gint64 *v = g_new0(gint64, n + 1);
    for (guint i = 0; i < n; i++) {
        JsonObject *o = json_array_get_object_element(a, i);
        labels[i] = g_strdup(str(o, lab));
        v[i] = num(o, val);
    }
    if (vertical)
        bars_v(h, id, title, labels, v, n);
    else
        bars_h(h, id, title, labels, v, n);
    g_strfreev(labels);
    g_free(v);
}

/* Messages with findings per category, summed over detectors and levels. */
static void
category_chart(GString *h, JsonObject *root)
{
    JsonArray *a = section(root, "findings");
    GHashTable *sum = g_hash_table_new(g_str_hash, g_str_equal);
    GPtrArray *order = g_ptr_array_new();
    for (guint i = 0; a && i < json_array_get_length(a); i++) {
        JsonObject *o = json_array_get_object_element(a, i);
        const char *c = str(o, "category");
        if (!g_hash_table_contains(sum, c))
            g_ptr_array_add(order, (gpointer)c);
        g_hash_table_insert(sum, (gpointer)c,
                            GINT_TO_POINTER(GPOINTER_TO_INT(g_hash_table_lookup(sum, c)) + (int)num(o, "findings")));
    }
    gint64 *v = g_new0(gint64, order->len + 1);
    for (guint i = 0; i < order->len; i++)
        v[i] = GPOINTER_TO_INT(g_hash_table_lookup(sum, order->pdata[i]));
    g_ptr_array_add(order, NULL);
    bars_h(h, "chart-categories", "Findings by category", (char **)order->pdata, v, order->len - 1);
    g_free(v);
    g_ptr_array_free(order, TRUE);
    g_hash_table_destroy(sum);
}

/* Column titles in words; the column's name (JSON, CSV) on hover. */
static const char *const titles[][2] = {
    { "run", "Run" }, { "tool_version", "typoleak" }, { "started_at", "Started" }, { "finished_at", "Finished" },
    { "n_sources", "Containers" }, { "n_messages", "Messages" }, { "n_errors", "Error rows" }, { "n_bytes", "Bytes" },
    { "argv", "Command" }, { "protected_hash", "Protected list (SHA-256)" },
    { "protected_count", "Protected domains" }, { "allowlist_hash", "Allowlist (SHA-256)" },
    { "psl_version", "Public Suffix List" }, { "typo_domain", "Typo domain" }, { "intended_domain", "Intended domain" },
    { "class", "Kind of typo" }, { "typo_addresses", "Typo addresses" },
    { "intended_recipients", "Intended recipients" }, { "first_date", "First" }, { "last_date", "Last" },
    { "peak_day", "Peak day" }, { "s1_messages", "S1 messages" }, { "s2_messages", "S2 messages" },
    { "s3_s4_messages", "S3/S4 messages" }, { "alert_messages", "Alerting messages" },
    { "distinct_values", "Distinct values" }, { "with_typo_recipient", "With a typo recipient" },
    { "in_quoted_text", "In quoted text" }, { "sender_domain", "Sender's domain" }, { "typo_address", "Typo address" },
    { "intended_addr", "Intended address" }, { "intended_address", "Intended address" }, { "date_utc", "Date (UTC)" },
    { "from_addr", "From" }, { "typo_domains", "Typo domains" }, { "path", "File" }, { "offset", "Offset" },
    { "sources", "Containers" }, { "rows", "Rows" }, { "example", "Example" }, { "score", "Score" },
    { "kind", "Kind" }, { "code", "Code" }, { "stage", "Stage" }, { "grade", "Grade" }, { "day", "Day" },
    { "month", "Month" }, { "messages", "Messages" }, { "recipients", "Recipients" }, { "senders", "Senders" },
    /* issue 14: periods, senders, counting, custody, triage */
    { "period", "Period" }, { "first_day", "First day" }, { "last_day", "Last day" },
    { "change", "Change" }, { "change_pct", "Change (%)" }, { "s1_s2_messages", "S1/S2 messages" },
    { "messages_with_findings", "Messages with findings" }, { "findings", "Findings" }, { "category", "Category" },
    { "detector", "Detector" }, { "level", "Level" }, { "same_value_again", "Same value again" },
    { "in_rosters", "In rosters" }, { "unit", "Unit or office" }, { "intended_domains", "Intended domains" },
    { "sender", "Sender" }, { "tool_build", "Build" }, { "rules_hash", "Rules (SHA-256)" },
    { "psl_hash", "Public Suffix List (SHA-256)" }, { "severity_reason", "Severity set by" },
    { "severity", "Severity" }, { "evidence", "Evidence" }, { "message", "Message" }, { "subject", "Subject" },
    { "size", "Size" }, { "mtime", "Modified" }, { "sha256", "SHA-256" }, { "status", "Status" },
    { "recipient_rows", "Recipient rows" }, { "finding_rows", "Finding rows" }, { "error_rows", "Error rows" },
    { "flagged_messages", "Misdirected messages" }, { "classified_messages", "Classified messages" },
    { "parse_failures", "Parse failures" }, { "occurrences", "Occurrences" }, { "bytes", "Bytes" },
};

static char *
title_of(const char *col)
{
    for (size_t i = 0; i < G_N_ELEMENTS(titles); i++)
        if (strcmp(titles[i][0], col) == 0)
            return g_strdup(titles[i][1]);
    char *t = g_strdelimit(g_strdup(col), "_", ' ');
    t[0] = g_ascii_toupper(t[0]);
    return t;
}

/* Columns whose long values are shortened in the middle, whole on hover. */
static int
shortened(const char *col)
{
    static const char *const cols[] = { "path", "argv", "settings", "protected_hash", "allowlist_hash", "psl_version",
                                        "example", "rules_hash", "psl_hash", NULL };
    return g_strv_contains(cols, col);
}

#define SHORT_MAX 48

/* A cell's text, escaped: a long value of a shortened column as its start
 * and end around an ellipsis, the whole in a title (hover). */
static void
cell_text(GString *h, const char *col, const char *t)
{
    glong n = g_utf8_strlen(t, -1);
    if (!shortened(col) || n <= SHORT_MAX) {
        esc(h, t);
        return;
    }
    char *head = g_utf8_substring(t, 0, SHORT_MAX / 2 - 1), *tail = g_utf8_substring(t, n - SHORT_MAX / 2, n);
    g_string_append(h, "<span class=\"short\" title=\"");
    esc(h, t);
    g_string_append(h, "\">");
    esc(h, head);
    g_string_append(h, "\u2026");
    esc(h, tail);
    g_string_append(h, "</span>");
    g_free(head);
    g_free(tail);
}

static void
table(GString *h, JsonObject *root, const char *name, const char *title)
{
    JsonArray *a = section(root, name);
    guint n = a ? json_array_get_length(a) : 0;
    g_string_append_printf(h, "<section id=\"section-%s\"><h2>", name);
    esc(h, title);
    g_string_append_printf(h, " <small>(%u rows)</small></h2>\n", n);
    if (!n) {
        g_string_append(h, "<p class=\"none\">none</p></section>\n");
        return;
    }
    g_string_append_printf(h, "<div class=\"scroll\"><table class=\"sortable\" id=\"table-%s\"><thead><tr>", name);
    JsonObject *first = json_array_get_object_element(a, 0);
    GList *cols = json_object_get_members(first);
    for (GList *c = cols; c; c = c->next) {
        char *t = title_of(c->data);
        g_string_append(h, "<th title=\"");
        esc(h, c->data);
        g_string_append(h, "\">");
        esc(h, t);
        g_string_append(h, "</th>");
        g_free(t);
    }
    g_string_append(h, "</tr></thead><tbody>\n");
    for (guint i = 0; i < n; i++) {
        JsonObject *o = json_array_get_object_element(a, i);
        g_string_append(h, "<tr>");
        for (GList *c = cols; c; c = c->next) {
            JsonNode *v = json_object_get_member(o, c->data);
            char *t = cell(v);
            int numeric = v && !JSON_NODE_HOLDS_NULL(v) && json_node_get_value_type(v) != G_TYPE_STRING;
            g_string_append(h, numeric ? "<td class=\"n\">" : "<td>");
            cell_text(h, c->data, t);
            g_string_append(h, "</td>");
            g_free(t);
        }
        g_string_append(h, "</tr>\n");
    }
    g_list_free(cols);
    g_string_append(h, "</tbody></table></div></section>\n");
}

/* One section per typo domain (the first max): what the engine says of
 * it, whom the mail was meant for, and what was inside. */
static void
domain_sections(GString *h, JsonObject *root, guint max)
{
    JsonArray *doms = section(root, "typo_domains"), *rcpt = section(root, "domain_recipients"),
              *cats = section(root, "domain_categories");
    guint n = doms ? json_array_get_length(doms) : 0;
    g_string_append(h, "<section id=\"domains\"><h2>Typo domains, one by one</h2>\n");
    if (!n)
        g_string_append(h, "<p class=\"none\">No message went to a typo domain.</p>\n");
    for (guint i = 0; i < n && i < max; i++) {
        JsonObject *d = json_array_get_object_element(doms, i);
        const char *dom = str(d, "typo_domain");
        g_string_append(h, "<section class=\"domain\"><h3>");
        esc(h, dom);
        g_string_append(h, " <small>for ");
        esc(h, str(d, "intended_domain"));
        g_string_append_printf(h, "%s</small></h3>\n<p>", num(d, "alert") ? " \u2014 <b class=\"alert\">ALERT</b>" : "");
        g_string_append_printf(h, "%" G_GINT64_FORMAT " misdirected message%s to %" G_GINT64_FORMAT
                                  " typo address%s from %" G_GINT64_FORMAT " sender%s, ",
                               num(d, "messages"), num(d, "messages") == 1 ? "" : "s", num(d, "typo_addresses"),
                               num(d, "typo_addresses") == 1 ? "" : "es", num(d, "senders"),
                               num(d, "senders") == 1 ? "" : "s");
        esc(h, str(d, "first_date"));
        g_string_append(h, " to ");
        esc(h, str(d, "last_date"));
        g_string_append(h, "; peak day ");
        esc(h, str(d, "peak_day"));
        g_string_append(h, ".</p>\n<p class=\"why\">");
        esc(h, str(d, "explanation"));
        g_string_append(h, "</p>\n<h4>Meant for</h4><ul class=\"recipients\">");
        guint shown = 0, more = 0;
        for (guint j = 0; rcpt && j < json_array_get_length(rcpt); j++) {
            JsonObject *r = json_array_get_object_element(rcpt, j);
            if (strcmp(str(r, "typo_domain"), dom) != 0)
                continue;
            if (shown++ >= 25) {
                more++;
                continue;
            }
            g_string_append(h, "<li>");
            esc(h, str(r, "intended_address"));
            g_string_append(h, " <small>(written ");
            esc(h, str(r, "typo_address"));
            g_string_append_printf(h, "; %" G_GINT64_FORMAT " message%s)</small></li>", num(r, "messages"),
                                   num(r, "messages") == 1 ? "" : "s");
        }
        if (more)
            g_string_append_printf(h, "<li>\u2026 and %u more</li>", more);
        g_string_append(h, "</ul>\n<h4>What was inside</h4>");
        GString *inside = g_string_new(NULL);
        for (guint j = 0; cats && j < json_array_get_length(cats); j++) {
            JsonObject *c = json_array_get_object_element(cats, j);
            if (strcmp(str(c, "typo_domain"), dom) != 0)
                continue;
            g_string_append(inside, "<li>");
            esc(inside, str(c, "category"));
            g_string_append_printf(inside, ": %" G_GINT64_FORMAT " message%s, %" G_GINT64_FORMAT " finding%s</li>",
                                   num(c, "messages"), num(c, "messages") == 1 ? "" : "s", num(c, "findings"),
                                   num(c, "findings") == 1 ? "" : "s");
        }
        if (inside->len)
            g_string_append_printf(h, "<ul class=\"inside\">%s</ul>", inside->str);
        else
            g_string_append(h, "<p class=\"none\">No sensitive content found (HIGH or MEDIUM) in the messages "
                               "classified.</p>");
        g_string_free(inside, TRUE);
        g_string_append_printf(h, "<p><small>S1 %" G_GINT64_FORMAT ", S2 %" G_GINT64_FORMAT ", S3/S4 %" G_GINT64_FORMAT
                                  " messages by severity.</small></p></section>\n",
                               num(d, "s1_messages"), num(d, "s2_messages"), num(d, "s3_s4_messages"));
    }
    if (n > max)
        g_string_append_printf(h, "<p>\u2026 and %u more typo domains (the table below lists them all).</p>\n", n - max);
    g_string_append(h, "</section>\n");
}

static const char style[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}"
    "h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em}small{color:#666;font-weight:normal}"
    ".meta{color:#555}.figures{display:flex;flex-wrap:wrap;gap:1em}.figures div{border:1px solid #ccc;"
    "padding:.5em 1em;border-radius:4px}.figures b{display:block;font-size:1.4em}"
    "figure{margin:1em 0}figcaption{color:#555}.chart .bar{fill:#4a7ab5}.chart .axis{stroke:#999}"
    ".chart .tick,.chart .label{font-size:11px;fill:#333}.scroll{overflow-x:auto}"
    "table{border-collapse:collapse;font-size:12px}th,td{border:1px solid #ddd;padding:2px 6px;text-align:left;"
    "vertical-align:top}td.n{text-align:right}th{background:#f3f3f3;cursor:pointer;white-space:nowrap}"
    "th.asc::after{content:' \\25B2'}th.desc::after{content:' \\25BC'}.none{color:#777}"
    "table{width:100%;table-layout:auto}td{overflow-wrap:anywhere;word-break:break-word}.short{cursor:help;"
    "border-bottom:1px dotted #999}.pair{display:flex;flex-wrap:wrap;gap:1em}.pair figure{flex:1 1 360px;min-width:0}"
    ".pair svg{width:100%;height:auto}.chart .peak{fill:#c0392b}.chart .peak-label{font-size:12px;fill:#c0392b;"
    "font-weight:bold}.peakline{font-weight:bold}.domain{border-top:1px solid #ddd;margin-top:1em}"
    ".domain h3{margin-bottom:.2em}.alert{color:#c0392b}.why{color:#444}h4{margin:.5em 0 .2em}"
    "@media print{@page{size:A4;margin:14mm}body{margin:0;max-width:none;font-size:10pt;color:#000}"
    ".scroll{overflow:visible}table{font-size:8pt;page-break-inside:auto}tr,figure,.figures div{break-inside:avoid}"
    "h2,h3,h4{break-after:avoid}th{cursor:auto;background:#eee!important}th.asc::after,th.desc::after{content:''}"
    ".chart .bar{fill:#4a7ab5!important}.chart .peak{fill:#c0392b!important}.pair figure{flex:1 1 45%}"
    "section.domain{break-inside:avoid-page}a{color:#000;text-decoration:none}"
    "svg{max-width:100%;height:auto}}";

/* Click a header to sort its table; numbers compare as numbers.  Marks
 * each table it prepared, so a test can see the script ran. */
static const char script[] =
    "(function(){document.querySelectorAll('table.sortable').forEach(function(t){"
    "t.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',function(){"
    "var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),asc=!th.classList.contains('asc');"
    "t.querySelectorAll('th').forEach(function(x){x.classList.remove('asc','desc')});"
    "th.classList.add(asc?'asc':'desc');rows.sort(function(x,y){var p=x.cells[i].textContent,"
    "q=y.cells[i].textContent,a=parseFloat(p),c=parseFloat(q);var r=(!isNaN(a)&&!isNaN(c)&&/^-?[0-9.]+$/.test(p)"
    "&&/^-?[0-9.]+$/.test(q))?a-c:p.localeCompare(q);return asc?r:-r});rows.forEach(function(r){b.appendChild(r)})"
    "})});t.setAttribute('data-sortable','ready')})})();";

/* The custody manifest (issue 14): the tool and its build, the digests
 * of the rules and lists, the runs the figures come from, the report's
 * scope and its own digest; the evidence files are the "evidence" table. */
static void
manifest_html(GString *h, JsonObject *root)
{
    JsonObject *m = json_object_has_member(root, "manifest") ? json_object_get_object_member(root, "manifest") : NULL;
    g_string_append(h, "<section id=\"manifest\"><h2>Custody manifest</h2><dl>");
    g_string_append(h, "<dt>Tool</dt><dd>typoleak ");
    esc(h, str(root, "tool_version"));
    g_string_append(h, ", build ");
    esc(h, str(root, "tool_build"));
    g_string_append(h, "</dd><dt>Report SHA-256</dt><dd><code>");
    esc(h, str(root, "report_sha256"));
    g_string_append(h, "</code> (of the JSON report without this member: typoleak report --format json)</dd>");
    JsonObject *sc = json_object_has_member(root, "scope") ? json_object_get_object_member(root, "scope") : NULL;
    if (sc) {
        g_string_append(h, "<dt>Scope</dt><dd>");
        GList *keys = json_object_get_members(sc);
        for (GList *k = keys; k; k = k->next) {
            JsonNode *v = json_object_get_member(sc, k->data);
            if (JSON_NODE_HOLDS_NULL(v))
                continue;
            g_string_append_printf(h, "%s ", (const char *)k->data);
            char *c = cell(v);
            esc(h, c);
            g_free(c);
            g_string_append(h, "; ");
        }
        g_list_free(keys);
        g_string_append(h, "</dd>");
    }
    JsonObject *dg = m && json_object_has_member(m, "digests") ? json_object_get_object_member(m, "digests") : NULL;
    if (dg) {
        GList *keys = json_object_get_members(dg);
        for (GList *k = keys; k; k = k->next) {
            g_string_append(h, "<dt>");
            esc(h, k->data);
            g_string_append(h, "</dt><dd><code>");
            JsonArray *a = json_object_get_array_member(dg, k->data);
            for (guint i = 0; a && i < json_array_get_length(a); i++) {
                if (i)
                    g_string_append(h, ", ");
                esc(h, json_array_get_string_element(a, i));
            }
            g_string_append(h, "</code></dd>");
        }
        g_list_free(keys);
    }
    JsonArray *runs = m && json_object_has_member(m, "runs") ? json_object_get_array_member(m, "runs") : NULL;
    g_string_append(h, "<dt>Runs the figures come from</dt><dd>");
    for (guint i = 0; runs && i < json_array_get_length(runs); i++)
        g_string_append_printf(h, "%s%" G_GINT64_FORMAT, i ? ", " : "",
                               json_object_get_int_member(json_array_get_object_element(runs, i), "run"));
    g_string_append(h, "</dd></dl></section>\n");
}

tl_status_t
tl_report_html(const char *db_path, FILE *out, char **errmsg)
{
    return tl_report_html_opts(db_path, NULL, out, errmsg);
}

tl_status_t
tl_report_html_opts(const char *db_path, const tl_report_options *o, FILE *out, char **errmsg)
{
    JsonNode *node = tl_report_model_opts(db_path, o, errmsg);
    if (!node)
        return TL_ERR_DB;
    JsonObject *root = json_node_get_object(node);
    GString *h = g_string_new("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                              "<meta name=\"generator\" content=\"typoleak " TL_VERSION "\">"
                              "<title>typoleak report</title><style>");
    g_string_append(h, style);
    g_string_append(h, "</style></head><body>\n<h1>typoleak report</h1>\n<p class=\"meta\">Database ");
    esc(h, str(root, "database"));
    g_string_append(h, ", generated ");
    esc(h, str(root, "generated_at"));
    g_string_append_printf(h, " by typoleak %s (report format %" G_GINT64_FORMAT "). Values are masked; "
                              "nothing in this file loads anything from the network.</p>\n",
                           TL_VERSION, num(root, "version"));
    JsonArray *tot = section(root, "totals");
    if (tot && json_array_get_length(tot)) {
        JsonObject *t = json_array_get_object_element(tot, 0);
        static const struct {
            const char *key, *label;
        } figs[] = { { "flagged_messages", "misdirected messages" }, { "alert_messages", "alerting" },
                     { "typo_domains", "typo domains" }, { "messages", "messages scanned" },
                     { "classified_messages", "classified" }, { "findings", "findings" },
                     { "error_rows", "error rows" } };
        g_string_append(h, "<section id=\"summary\"><h2>Summary</h2><div class=\"figures\">");
        for (size_t i = 0; i < G_N_ELEMENTS(figs); i++)
            g_string_append_printf(h, "<div><b>%" G_GINT64_FORMAT "</b>%s</div>", num(t, figs[i].key), figs[i].label);
        g_string_append(h, "</div><p>Misdirected mail from ");
        esc(h, str(t, "first_date"));
        g_string_append(h, " to ");
        esc(h, str(t, "last_date"));
        g_string_append(h, ".</p></section>\n");
    }
    g_string_append(h, "<section id=\"charts\"><h2>Charts</h2>\n");
    JsonArray *days = section(root, "daily");
    if (days && json_array_get_length(days)) {
        JsonObject *peak = json_array_get_object_element(days, 0);
        for (guint i = 1; i < json_array_get_length(days); i++) {
            JsonObject *d = json_array_get_object_element(days, i);
            if (num(d, "messages") > num(peak, "messages"))
                peak = d;
        }
        g_string_append(h, "<p class=\"peakline\">Peak day: ");
        esc(h, str(peak, "day"));
        g_string_append_printf(h, ", with %" G_GINT64_FORMAT " misdirected message%s.</p>\n", num(peak, "messages"),
                               num(peak, "messages") == 1 ? "" : "s");
    }
    g_string_append(h, "<div class=\"pair\">");
    daily_chart(h, root);
    chart(h, root, "monthly", "month", "messages", 600, 1, "chart-monthly", "Misdirected messages per month");
    g_string_append(h, "</div>\n");
    chart(h, root, "periods", "period", "messages", 600, 1, "chart-periods",
          "Misdirected messages per period of the report (--bucket)");
    chart(h, root, "typo_domains", "typo_domain", "messages", 20, 0, "chart-domains",
          "Misdirected messages by typo domain (top 20)");
    chart(h, root, "severity", "severity", "messages", 10, 0, "chart-severity", "Classified messages by severity");
    category_chart(h, root);
    g_string_append(h, "</section>\n");
    domain_sections(h, root, 50);
    size_t ns = 0;
    const tl_report_section *secs = tl_report_sections(&ns);
    manifest_html(h, root);
    table(h, root, "triage", "Read first (severity, score, findings; where each message is)");
    for (size_t i = 0; i < ns; i++)
        if (strcmp(secs[i].name, "triage") != 0)
            table(h, root, secs[i].name, secs[i].title);
    g_string_append_printf(h, "<script>%s</script>\n</body></html>\n", script);
    fwrite(h->str, 1, h->len, out);
    g_string_free(h, TRUE);
    json_node_unref(node);
    return ferror(out) ? TL_ERR_USAGE : TL_OK;
}
