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
        g_string_append(h, "<th>");
        esc(h, c->data);
        g_string_append(h, "</th>");
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
            esc(h, t);
            g_string_append(h, "</td>");
            g_free(t);
        }
        g_string_append(h, "</tr>\n");
    }
    g_list_free(cols);
    g_string_append(h, "</tbody></table></div></section>\n");
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
    "th.asc::after{content:' \\25B2'}th.desc::after{content:' \\25BC'}.none{color:#777}";

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
    chart(h, root, "monthly", "month", "messages", 600, 1, "chart-monthly", "Misdirected messages per month");
    chart(h, root, "periods", "period", "messages", 600, 1, "chart-periods",
          "Misdirected messages per period of the report (--bucket)");
    chart(h, root, "typo_domains", "typo_domain", "messages", 20, 0, "chart-domains",
          "Misdirected messages by typo domain (top 20)");
    chart(h, root, "severity", "severity", "messages", 10, 0, "chart-severity", "Classified messages by severity");
    category_chart(h, root);
    g_string_append(h, "</section>\n");
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
