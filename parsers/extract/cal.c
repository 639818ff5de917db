/*
 * cal.c - calendars and contacts as labelled fields.
 *
 * iCalendar (RFC 5545) is read with libical: each VEVENT gives lines
 * "SUMMARY: ...", "LOCATION: ...", "DTSTART: ...", "DTEND: ...",
 * "ORGANIZER: ...", "ATTENDEE: ..." (one per attendee, with its CN), and
 * "DESCRIPTION: ...", one section per event ("event 1", ...).
 *
 * vCard (RFC 6350, and 2.1/3.0 as phones write them) is read by a small
 * reader here: libical 3 (Debian 12) reads no vCard.  Lines are unfolded
 * (a line starting with a blank continues the one before), parameters are
 * dropped except TYPE, quoted-printable values (2.1) are decoded, escapes
 * (\n \, \;) are undone, and each property becomes "LABEL: value"; the
 * structured N and ADR fields are joined with blanks.  Photos and keys
 * (binary) are skipped.  One section per card ("card 1", ...).
 */
#include <libical/ical.h>
#include <string.h>

#include "parsers/extract/ex_internal.h"

/* ------------------------------------------------------------------ */
/* iCalendar                                                           */
/* ------------------------------------------------------------------ */

static void
field(tl_ex *x, const char *label, const char *value)
{
    if (!value || !*value)
        return;
    tl_ex_append(x, label, strlen(label));
    tl_ex_append(x, ": ", 2);
    tl_ex_append(x, value, strlen(value));
    tl_ex_newline(x);
}

/* A CAL-ADDRESS property as "CN <mailto>" or the address alone. */
static void
address(tl_ex *x, const char *label, icalproperty *p)
{
    const char *v = icalproperty_get_value_as_string(p);
    icalparameter *cn = icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);
    const char *mail = v && g_ascii_strncasecmp(v, "mailto:", 7) == 0 ? v + 7 : v;
    if (cn && icalparameter_get_cn(cn)) {
        char *s = g_strdup_printf("%s <%s>", icalparameter_get_cn(cn), mail ? mail : "");
        field(x, label, s);
        g_free(s);
    } else {
        field(x, label, mail);
    }
}

static void
time_field(tl_ex *x, const char *label, icalproperty *p)
{
    if (!p)
        return;
    field(x, label, icalproperty_get_value_as_string(p));
}

static void
event(tl_ex *x, icalcomponent *ev, int n)
{
    char name[32];
    g_snprintf(name, sizeof name, "event %d", n);
    tl_ex_section(x, name);
    icalproperty *p;
    if ((p = icalcomponent_get_first_property(ev, ICAL_SUMMARY_PROPERTY)))
        field(x, "SUMMARY", icalproperty_get_summary(p));
    if ((p = icalcomponent_get_first_property(ev, ICAL_LOCATION_PROPERTY)))
        field(x, "LOCATION", icalproperty_get_location(p));
    time_field(x, "DTSTART", icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY));
    time_field(x, "DTEND", icalcomponent_get_first_property(ev, ICAL_DTEND_PROPERTY));
    if ((p = icalcomponent_get_first_property(ev, ICAL_ORGANIZER_PROPERTY)))
        address(x, "ORGANIZER", p);
    for (p = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY); p;
         p = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY))
        address(x, "ATTENDEE", p);
    if ((p = icalcomponent_get_first_property(ev, ICAL_DESCRIPTION_PROPERTY)))
        field(x, "DESCRIPTION", icalproperty_get_description(p));
    tl_ex_newline(x);
}

void
tl_ex_ical(tl_ex *x, const char *data, size_t len)
{
    char *s = g_strndup(data, len);
    icalcomponent *root = icalparser_parse_string(s);
    g_free(s);
    if (!root) {
        tl_ex_fail(x, TL_EX_FAILED, "iCalendar parse error");
        return;
    }
    int n = 0;
    icalcomponent *cal = icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT ? root : NULL;
    if (cal) {
        for (icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
             ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
            event(x, ev, ++n);
    } else if (icalcomponent_isa(root) == ICAL_VEVENT_COMPONENT) {
        event(x, root, ++n);
    }
    icalcomponent_free(root);
    if (!n)
        tl_ex_anomaly(x, "calendar without events");
}

/* ------------------------------------------------------------------ */
/* vCard                                                               */
/* ------------------------------------------------------------------ */

/* Undoes vCard escapes; structured ';' become blanks when join is set. */
static char *
unescape(const char *v, int join)
{
    GString *o = g_string_new(NULL);
    for (const char *p = v; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            g_string_append_c(o, *p == 'n' || *p == 'N' ? '\n' : *p);
        } else if (*p == ';' && join) {
            if (o->len && o->str[o->len - 1] != ' ')
                g_string_append_c(o, ' ');
        } else {
            g_string_append_c(o, *p);
        }
    }
    return g_strstrip(g_string_free(o, FALSE));
}

static char *
qp_decode(const char *v)
{
    GString *o = g_string_new(NULL);
    for (const char *p = v; *p; p++) {
        if (*p == '=' && g_ascii_isxdigit(p[1]) && g_ascii_isxdigit(p[2])) {
            g_string_append_c(o, (char)(g_ascii_xdigit_value(p[1]) * 16 + g_ascii_xdigit_value(p[2])));
            p += 2;
        } else if (!(*p == '=' && p[1] == '\0')) {
            g_string_append_c(o, *p);
        }
    }
    char *s = g_string_free(o, FALSE);
    if (!g_utf8_validate(s, -1, NULL)) {
        char *u = g_convert(s, -1, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);
        g_free(s);
        s = u ? u : g_strdup("");
    }
    return s;
}

static void
vcard_line(tl_ex *x, const char *l, int *cards)
{
    const char *colon = strchr(l, ':');
    if (!colon)
        return;
    char *head = g_strndup(l, (size_t)(colon - l));
    const char *value = colon + 1;
    char **parts = g_strsplit(head, ";", 0);
    if (!parts[0]) {    /* ":value", a line without a property name */
        g_strfreev(parts);
        g_free(head);
        return;
    }
    char *name = g_ascii_strup(parts[0], -1);
    char *dot = strchr(name, '.');      /* item1.EMAIL */
    const char *prop = dot ? dot + 1 : name;
    int qp = 0;
    GString *types = g_string_new(NULL);
    for (int k = 1; parts[k]; k++) {
        if (g_ascii_strcasecmp(parts[k], "ENCODING=QUOTED-PRINTABLE") == 0)
            qp = 1;
        else if (g_ascii_strncasecmp(parts[k], "TYPE=", 5) == 0)
            g_string_append_printf(types, "%s%s", types->len ? "," : "", parts[k] + 5);
        else if (!strchr(parts[k], '='))
            g_string_append_printf(types, "%s%s", types->len ? "," : "", parts[k]);
    }
    if (strcmp(prop, "BEGIN") == 0 && g_ascii_strcasecmp(value, "VCARD") == 0) {
        char sec[32];
        g_snprintf(sec, sizeof sec, "card %d", ++*cards);
        tl_ex_newline(x);
        tl_ex_section(x, sec);
    } else if (strcmp(prop, "END") != 0 && strcmp(prop, "VERSION") != 0 && strcmp(prop, "PHOTO") != 0
               && strcmp(prop, "KEY") != 0 && strcmp(prop, "LOGO") != 0 && strcmp(prop, "SOUND") != 0
               && strcmp(prop, "PRODID") != 0 && strcmp(prop, "UID") != 0 && strcmp(prop, "REV") != 0) {
        char *raw = qp ? qp_decode(value) : g_strdup(value);
        char *v = unescape(raw, strcmp(prop, "N") == 0 || strcmp(prop, "ADR") == 0 || strcmp(prop, "ORG") == 0);
        char *label = types->len ? g_strdup_printf("%s (%s)", prop, types->str) : g_strdup(prop);
        field(x, label, v);
        g_free(label);
        g_free(v);
        g_free(raw);
    }
    g_string_free(types, TRUE);
    g_free(name);
    g_strfreev(parts);
    g_free(head);
}

void
tl_ex_vcard(tl_ex *x, const char *data, size_t len)
{
    GString *l = g_string_new(NULL);
    int cards = 0, qp_soft = 0;
    size_t i = 0;
    while (i <= len) {
        size_t e = i;
        while (e < len && data[e] != '\n')
            e++;
        size_t le = e;
        if (le > i && data[le - 1] == '\r')
            le--;
        int cont = i < len && (data[i] == ' ' || data[i] == '\t');
        if (cont && l->len)
            g_string_append_len(l, data + i + 1, (gssize)(le - i - (le > i ? 1 : 0)));
        else if (qp_soft && l->len)
            g_string_append_len(l, data + i, (gssize)(le - i));
        else {
            if (l->len)
                vcard_line(x, l->str, &cards);
            g_string_assign(l, "");
            g_string_append_len(l, data + i, (gssize)(le - i));
        }
        /* A quoted-printable line ending in '=' continues on the next. */
        qp_soft = l->len && l->str[l->len - 1] == '=' && strstr(l->str, "QUOTED-PRINTABLE");
        if (qp_soft)
            g_string_truncate(l, l->len - 1);
        if (e >= len)
            break;
        i = e + 1;
    }
    if (l->len)
        vcard_line(x, l->str, &cards);
    g_string_free(l, TRUE);
    if (!cards)
        tl_ex_anomaly(x, "vCard file without cards");
}
