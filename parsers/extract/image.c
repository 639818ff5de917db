/*
 * image.c - what an image says about where and when it was taken, for the
 * photo and identity-document detectors: pixel dimensions (read from the
 * JPEG frame header, PNG's IHDR, GIF's screen descriptor, TIFF's first
 * directory), and metadata: EXIF through libexif (GPS position, capture
 * time, camera make and model, orientation), from a JPEG's APP1, a PNG's
 * eXIf chunk or a TIFF's own directories, and the GPS position of an XMP
 * packet (exif:GPSLatitude/GPSLongitude, as phones and editors write it
 * where there is no classic EXIF).  No pixel is decoded.
 */
#include <libexif/exif-data.h>
#include <libexif/exif-loader.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/extract/ex_internal.h"

static guint32
be32(const guint8 *p)
{
    return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

static guint16
be16(const guint8 *p)
{
    return (guint16)(p[0] << 8 | p[1]);
}

/* ------------------------------------------------------------------ */
/* Dimensions                                                          */
/* ------------------------------------------------------------------ */

static void
jpeg_size(const guint8 *d, size_t n, tl_image_info *im)
{
    size_t i = 2;
    while (i + 9 < n) {
        if (d[i] != 0xff) {
            i++;
            continue;
        }
        guint8 m = d[i + 1];
        if (m == 0xff) {
            i++;
            continue;
        }
        if (m == 0xd8 || (m >= 0xd0 && m <= 0xd7) || m == 0x01) {
            i += 2;
            continue;
        }
        size_t seg = be16(d + i + 2);
        /* SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
        if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {
            im->height = be16(d + i + 5);
            im->width = be16(d + i + 7);
            return;
        }
        if (m == 0xda || seg < 2)
            return;
        i += 2 + seg;
    }
}

/* ------------------------------------------------------------------ */
/* EXIF                                                                */
/* ------------------------------------------------------------------ */

/* A GPS coordinate (three rationals) in degrees, signed by its ref. */
static int
gps_coord(ExifData *ed, ExifTag tag, ExifTag ref, double *out)
{
    ExifEntry *e = exif_content_get_entry(ed->ifd[EXIF_IFD_GPS], tag);
    if (!e || e->format != EXIF_FORMAT_RATIONAL || e->components < 3)
        return 0;
    ExifByteOrder o = exif_data_get_byte_order(ed);
    double v = 0, div = 1;
    for (int k = 0; k < 3; k++) {
        ExifRational r = exif_get_rational(e->data + 8 * k, o);
        if (r.denominator)
            v += (double)r.numerator / r.denominator / div;
        div *= 60;
    }
    ExifEntry *re = exif_content_get_entry(ed->ifd[EXIF_IFD_GPS], ref);
    if (re && re->size >= 1 && (re->data[0] == 'S' || re->data[0] == 'W'))
        v = -v;
    *out = v;
    return 1;
}

static char *
exif_string(ExifData *ed, ExifIfd ifd, ExifTag tag)
{
    ExifEntry *e = exif_content_get_entry(ed->ifd[ifd], tag);
    if (!e || e->format != EXIF_FORMAT_ASCII || !e->size)
        return NULL;
    char *s = g_strndup((const char *)e->data, e->size);
    g_strstrip(s);
    if (!*s || !g_utf8_validate(s, -1, NULL)) {
        g_free(s);
        return NULL;
    }
    return s;
}

static void
exif_read(ExifData *ed, tl_image_info *im, const char *from)
{
    if (!ed)
        return;
    double lat, lon;
    if (!im->has_gps && gps_coord(ed, EXIF_TAG_GPS_LATITUDE, EXIF_TAG_GPS_LATITUDE_REF, &lat)
        && gps_coord(ed, EXIF_TAG_GPS_LONGITUDE, EXIF_TAG_GPS_LONGITUDE_REF, &lon)) {
        im->has_gps = 1;
        im->lat = lat;
        im->lon = lon;
        im->gps_from = from;
    }
    if (!im->time)
        im->time = exif_string(ed, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL);
    if (!im->time)
        im->time = exif_string(ed, EXIF_IFD_0, EXIF_TAG_DATE_TIME);
    if (!im->make)
        im->make = exif_string(ed, EXIF_IFD_0, EXIF_TAG_MAKE);
    if (!im->model)
        im->model = exif_string(ed, EXIF_IFD_0, EXIF_TAG_MODEL);
    ExifEntry *e = exif_content_get_entry(ed->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
    if (e && e->format == EXIF_FORMAT_SHORT && !im->orientation)
        im->orientation = exif_get_short(e->data, exif_data_get_byte_order(ed));
    if (!im->width) {
        /* TIFF: the first directory's ImageWidth and ImageLength. */
        ExifEntry *w = exif_content_get_entry(ed->ifd[EXIF_IFD_0], EXIF_TAG_IMAGE_WIDTH);
        ExifEntry *h = exif_content_get_entry(ed->ifd[EXIF_IFD_0], EXIF_TAG_IMAGE_LENGTH);
        ExifByteOrder o = exif_data_get_byte_order(ed);
        if (w && h) {
            im->width = (int)(w->format == EXIF_FORMAT_SHORT ? exif_get_short(w->data, o) : exif_get_long(w->data, o));
            im->height = (int)(h->format == EXIF_FORMAT_SHORT ? exif_get_short(h->data, o) : exif_get_long(h->data, o));
        }
    }
}

/* EXIF from a raw TIFF structure (PNG eXIf, a TIFF file): libexif wants
 * the "Exif\0\0" prefix of a JPEG APP1 segment. */
static ExifData *
exif_from_tiff(const guint8 *d, size_t n)
{
    if (n > (64u << 20))
        return NULL;
    guint8 *buf = g_malloc(n + 6);
    memcpy(buf, "Exif\0\0", 6);
    memcpy(buf + 6, d, n);
    ExifData *ed = exif_data_new();
    exif_data_unset_option(ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    exif_data_load_data(ed, buf, (unsigned)(n + 6));
    g_free(buf);
    return ed;
}

/* ------------------------------------------------------------------ */
/* XMP                                                                 */
/* ------------------------------------------------------------------ */

/* XMP writes a GPS coordinate as "DDD,MM.mmmmK" or "DDD,MM,SSK" (K one of
 * NSEW), as an attribute or an element. */
static int
xmp_coord(const char *xmp, size_t n, const char *name, double *out)
{
    size_t nl = strlen(name);
    const char *p = xmp, *end = xmp + n;
    while ((p = memmem(p, (size_t)(end - p), name, nl)) != NULL) {
        p += nl;
        if (p < end && (*p == '=' || *p == '>')) {
            p++;
            if (p < end && *p == '"')
                p++;
            break;
        }
    }
    if (!p)
        return 0;
    char buf[48];
    size_t k = 0;
    while (p < end && k + 1 < sizeof buf && (g_ascii_isdigit(*p) || *p == ',' || *p == '.' || strchr("NSEW", *p)))
        buf[k++] = *p++;
    buf[k] = '\0';
    if (!k)
        return 0;
    char ref = buf[k - 1];
    if (!strchr("NSEW", ref))
        return 0;
    buf[k - 1] = '\0';
    double v = 0, div = 1;
    char *s = buf;
    for (int part = 0; part < 3 && *s; part++) {
        char *e = NULL;
        double f = g_ascii_strtod(s, &e);
        if (e == s)
            return 0;
        v += f / div;
        div *= 60;
        s = *e == ',' ? e + 1 : e;
    }
    *out = ref == 'S' || ref == 'W' ? -v : v;
    return 1;
}

static void
xmp_read(const guint8 *d, size_t n, tl_image_info *im)
{
    static const char start[] = "<x:xmpmeta";
    const guint8 *p = memmem(d, n, start, sizeof start - 1);
    if (!p)
        return;
    size_t left = n - (size_t)(p - d);
    const guint8 *e = memmem(p, left, "</x:xmpmeta>", 12);
    size_t xl = e ? (size_t)(e - p) : MIN(left, 65536);
    double lat, lon;
    if (!im->has_gps && xmp_coord((const char *)p, xl, "exif:GPSLatitude", &lat)
        && xmp_coord((const char *)p, xl, "exif:GPSLongitude", &lon)) {
        im->has_gps = 1;
        im->lat = lat;
        im->lon = lon;
        im->gps_from = "xmp";
    }
}

/* ------------------------------------------------------------------ */
/* Per format                                                          */
/* ------------------------------------------------------------------ */

static void
png_read(const guint8 *d, size_t n, tl_image_info *im)
{
    size_t i = 8;
    while (i + 12 <= n) {
        guint32 len = be32(d + i);
        const guint8 *type = d + i + 4, *body = d + i + 8;
        if (len > n - i - 12)
            break;
        if (memcmp(type, "IHDR", 4) == 0 && len >= 8) {
            im->width = (int)be32(body);
            im->height = (int)be32(body + 4);
        } else if (memcmp(type, "eXIf", 4) == 0) {
            ExifData *ed = exif_from_tiff(body, len);
            exif_read(ed, im, "png-exif");
            exif_data_unref(ed);
        } else if (memcmp(type, "iTXt", 4) == 0 && len > 17 && memcmp(body, "XML:com.adobe.xmp", 17) == 0) {
            xmp_read(body, len, im);
        } else if (memcmp(type, "IEND", 4) == 0) {
            break;
        }
        i += 12 + len;
    }
}

int
tl_image_read(const guint8 *d, size_t n, tl_image_info *im)
{
    memset(im, 0, sizeof *im);
    tl_filetype t = tl_sniff_type(d, n);
    if (t == TL_FT_JPEG) {
        jpeg_size(d, n, im);
        ExifData *ed = exif_data_new_from_data(d, (unsigned)MIN(n, G_MAXUINT));
        exif_read(ed, im, "exif");
        if (ed)
            exif_data_unref(ed);
        xmp_read(d, n, im);
    } else if (t == TL_FT_PNG) {
        png_read(d, n, im);
    } else if (t == TL_FT_GIF) {
        if (n >= 10) {
            im->width = d[6] | d[7] << 8;
            im->height = d[8] | d[9] << 8;
        }
        xmp_read(d, n, im);
    } else if (t == TL_FT_TIFF) {
        ExifData *ed = exif_from_tiff(d, n);
        exif_read(ed, im, "exif");
        if (ed)
            exif_data_unref(ed);
        xmp_read(d, n, im);
    } else {
        return 0;
    }
    return 1;
}

void
tl_ex_image(tl_ex *x, const guint8 *data, size_t len)
{
    tl_image_info *im = &x->r->image;
    tl_image_read(data, len, im);
    x->r->is_image = 1;
    tl_ex_fail(x, TL_EX_NO_TEXT_LAYER, "image (OCR is not done)");
}
