/*
 * check_leak.c - what the leak carried (issue 12): itineraries, lodging
 * and VIP movement, rosters and crew lists, medical, tax, naval reports,
 * military places (scanner/detect/ (travel.c, people.c...)).  Each rule is tested alone here;
 * the fixtures of tests/fixtures/classify carry the whole messages, and
 * the last test gives precision and recall per category over them.
 */
#include <gmime/gmime.h>
#include <fcntl.h>
#include <string.h>

#include "tl_test.h"

static tl_test_found
scan(const char *body)
{
    return tl_test_detect("text/plain; charset=utf-8", body, 1684227600);
}

/* The findings of detector det. */
static int
count(const tl_test_found *r, const char *det, int min_score)
{
    int n = 0;
    for (guint i = 0; i < r->found->len; i++) {
        const tl_finding *f = r->found->pdata[i];
        n += strcmp(f->detector, det) == 0 && f->score >= min_score;
    }
    return n;
}

static const tl_finding *
first(const tl_test_found *r, const char *det)
{
    for (guint i = 0; i < r->found->len; i++) {
        const tl_finding *f = r->found->pdata[i];
        if (strcmp(f->detector, det) == 0)
            return f;
    }
    return NULL;
}

static const char *
severity(const tl_test_found *r, char **cats)
{
    return tl_rollup(r->found, cats);
}

START_TEST(test_flight_needs_designator_and_booking)
{
    /* a known designator, a flight word and a booking */
    tl_test_found r = scan("Record locator: QX7T2P\nYour flight UA 1234 departs IAD at 0810.\n");
    ck_assert_int_eq(count(&r, "flight", 80), 1);
    ck_assert_int_eq(count(&r, "pnr", 80), 1);
    ck_assert_str_eq(first(&r, "pnr")->masked, "Q*****");
    tl_test_found_free(&r);
    /* not an active airline (BO), an English word (AT), a taxiway (B12) */
    r = scan("Record locator: QX7T2P\nflight BO 1234 departs; depart AT 1500; taxiway B12 gate\n");
    ck_assert_int_eq(count(&r, "flight", 0), 0);
    tl_test_found_free(&r);
    /* an advertisement: no booking, a candidate only */
    r = scan("Book now: our nonstop flight UA 1234 from $199.\n");
    ck_assert_int_eq(count(&r, "flight", 0), 0);
    tl_test_found_free(&r);
    /* a record locator that is a word */
    r = scan("Record locator: CANCEL\n");
    ck_assert_int_eq(count(&r, "pnr", 0), 0);
    tl_test_found_free(&r);
}
END_TEST

START_TEST(test_eticket_and_bcbp)
{
    tl_test_found r = scan("E-ticket number: 016-2345678901\n");
    ck_assert_int_eq(count(&r, "eticket", 80), 1);
    ck_assert_str_eq(first(&r, "eticket")->masked, "016-******8901");
    tl_test_assert_not_stored(r.found, "2345678901");
    tl_test_found_free(&r);
    /* thirteen digits with no ticket label are nothing of the kind */
    r = scan("Order 016-2345678901 shipped.\n");
    ck_assert_int_eq(count(&r, "eticket", 0), 0);
    tl_test_found_free(&r);
    const char *pass = "M1DOE/JOHN            EK7XQ2M IADLHRBA 0217 135Y012A0023 100\n";
    r = scan(pass);
    ck_assert_int_eq(count(&r, "bcbp", 95), 1);
    ck_assert_str_eq(first(&r, "bcbp")->masked, "BCBP IAD-LHR BA 0217 day 135");
    tl_test_assert_not_stored(r.found, "DOE/JOHN");
    tl_test_found_free(&r);
    /* an unknown airport (QQQ) or day 400 */
    r = scan("M1DOE/JOHN            EK7XQ2M IADQQQBA 0217 135Y012A0023 100\n"
             "M1DOE/JOHN            EK7XQ2M IADLHRBA 0217 400Y012A0023 100\n");
    ck_assert_int_eq(count(&r, "bcbp", 0), 0);
    tl_test_found_free(&r);
}
END_TEST

START_TEST(test_rooms_need_lodging)
{
    tl_test_found r = scan("Hotel Harbor confirmation 83920571. Your room: Room 1204; key cards at the front desk.\n");
    ck_assert_int_eq(count(&r, "room", 90), 1);
    ck_assert_str_eq(first(&r, "room")->masked, "\xe2\x9f\xa8ROOM\xe2\x9f\xa9 4-digit");
    tl_test_assert_not_stored(r.found, "1204");
    tl_test_found_free(&r);
    /* meeting rooms, rooms in an advertisement, room for improvement */
    r = scan("Hotel staff meeting in Conference Room 2104; briefing in Room 301 at the hotel.\n"
             "Hotel rooms from $99 a night, check-in at 3 PM; ask about Room 1204.\n"
             "There is room for improvement at the hotel in 2023.\n");
    ck_assert_int_eq(count(&r, "room", 0), 0);
    tl_test_found_free(&r);
    r = scan("Guest confirmation for the hotel: door code 48213 for the side entrance.\n");
    ck_assert_int_eq(count(&r, "door-code", 90), 1);
    tl_test_assert_not_stored(r.found, "48213");
    tl_test_found_free(&r);
}
END_TEST

START_TEST(test_timeline_and_vip)
{
    const char *dv = "Schedule for the DV, MG Harlan. Passenger: DOE/JOHN\n"
                     "0730L Wheels up JB Andrews\n"
                     "0915L Wheels down, flight line\n"
                     "0930L Motorcade to the hotel\n"
                     "1830L RON Hotel Rosa\n";
    tl_test_found r = scan(dv);
    ck_assert_int_eq(count(&r, "timeline", 85), 1);
    ck_assert_int_eq(count(&r, "vip-move", 95), 1);
    char *cats = NULL;
    ck_assert_str_eq(severity(&r, &cats), "S1");
    ck_assert(strstr(cats, "TRAVEL.VIPMOVE") != NULL);
    g_free(cats);
    /* the officer's and the passenger's names in no snippet */
    tl_test_assert_not_stored(r.found, "Harlan");
    tl_test_assert_not_stored(r.found, "DOE/JOHN");
    tl_test_found_free(&r);
    /* the same time-line for an ordinary traveller: an itinerary, S3 */
    r = scan("Schedule:\n0730 Depart home\n0915 Arrive airport\n0930 Flight to Denver\n1830 Check-in hotel\n");
    ck_assert_int_eq(count(&r, "timeline", 85), 1);
    ck_assert_int_eq(count(&r, "vip-move", 0), 0);
    ck_assert_str_eq(severity(&r, &cats), "S3");
    g_free(cats);
    tl_test_found_free(&r);
    /* a conference agenda: times, no movement */
    r = scan("Agenda:\n0900 Opening remarks\n0930 Budget review\n1030 Break\n1045 Program updates\n1200 Lunch\n");
    ck_assert_int_eq(r.found->len, 0);
    tl_test_found_free(&r);
}
END_TEST

START_TEST(test_reservations_jsonld_microdata)
{
    const char *html =
        "<html><head><script type=\"application/ld+json\">"
        "{\"@context\":\"http://schema.org\",\"@type\":\"FlightReservation\",\"reservationNumber\":\"RXJ34P\","
        "\"underName\":{\"@type\":\"Person\",\"name\":\"Jane Roe\"},\"reservationFor\":{\"@type\":\"Flight\","
        "\"flightNumber\":\"110\",\"airline\":{\"@type\":\"Airline\",\"iataCode\":\"UA\"},"
        "\"departureAirport\":{\"@type\":\"Airport\",\"iataCode\":\"SFO\"},\"arrivalAirport\":{\"@type\":\"Airport\","
        "\"iataCode\":\"IAD\"}}}</script></head><body><p>Your trip</p>"
        "<div itemscope itemtype=\"http://schema.org/EventReservation\">"
        "<meta itemprop=\"reservationNumber\" content=\"E123456\"/>"
        "<div itemprop=\"underName\" itemscope itemtype=\"http://schema.org/Person\"><span itemprop=\"name\">Jane Roe</span></div>"
        "</div></body></html>";
    tl_test_found r = tl_test_detect("text/html; charset=utf-8", html, 1684227600);
    ck_assert_int_eq(count(&r, "reservation", 95), 2);
    int flight = 0, event = 0;
    for (guint i = 0; i < r.found->len; i++) {
        const tl_finding *f = r.found->pdata[i];
        flight |= strcmp(f->masked, "FlightReservation R***** UA 110 SFO-IAD") == 0;
        event |= g_str_has_prefix(f->masked, "EventReservation E*****");
    }
    ck_assert(flight && event);
    tl_test_assert_not_stored(r.found, "Jane Roe");
    tl_test_assert_not_stored(r.found, "RXJ34P");
    tl_test_found_free(&r);
    /* an offer, a reservation type without a number or a guest */
    r = tl_test_detect("text/html; charset=utf-8",
                       "<html><head><script type=\"application/ld+json\">{\"@type\":\"Offer\",\"name\":\"Fly\"}"
                       "</script><script type=\"application/ld+json\">{\"@type\":\"FlightReservation\"}</script>"
                       "</head><body><p>Fares from $99</p></body></html>",
                       1684227600);
    ck_assert_int_eq(r.found->len, 0);
    tl_test_found_free(&r);
}
END_TEST

START_TEST(test_roster_rows)
{
    GString *b = g_string_new("Recall roster\n");
    const char *ranks[] = { "SSG", "Capt", "Lt Col", "PO2", "MSgt", "BM1" };
    for (int i = 0; i < 6; i++)
        g_string_append_printf(b, "%s Surname%c, Given%c  cell 703-555-%04d\n", ranks[i], 'a' + i, 'a' + i, 2100 + i * 11);
    tl_test_found r = scan(b->str);
    ck_assert_int_eq(count(&r, "roster", 85), 1);
    ck_assert_int_eq(count(&r, "person", 85), 6);
    int lt = 0;
    for (guint i = 0; i < r.found->len; i++) {
        const tl_finding *f = r.found->pdata[i];
        lt |= strcmp(f->masked, "Lt Col G.S.") == 0;
    }
    ck_assert(lt);
    /* names only as initials and a keyed hash */
    tl_test_assert_not_stored(r.found, "Surnamea");
    tl_test_assert_not_stored(r.found, "Givena");
    char *cats = NULL;
    ck_assert_str_eq(severity(&r, &cats), "S2");
    g_free(cats);
    tl_test_found_free(&r);
    /* rank tokens that are abbreviations: CPT billing, MG, COL, IT, sports */
    r = scan("CPT 99213 billed, 20 MG daily, COL Total 12, IT Support 555-0100\n"
             "#12 Smith, QB, 703-555-2100\n#24 Jones, RB, 703-555-2111\n#7 Brown, WR, 703-555-2122\n"
             "#55 Miller, LB, 703-555-2133\n#88 Wilson, TE, 703-555-2144\n");
    ck_assert_int_eq(count(&r, "roster", 0), 0);
    ck_assert_int_eq(count(&r, "person", 0), 0);
    tl_test_found_free(&r);
    g_string_free(b, TRUE);
}
END_TEST

START_TEST(test_medical)
{
    tl_test_found r = scan("Assessment: F43.10; Dx: J45 asthma. NPI 1234567893, DEA AB1234563, MBI 1EG4-TE5-MK73.\n");
    ck_assert_int_eq(count(&r, "icd10", 75), 2);
    ck_assert_int_eq(count(&r, "npi", 75), 1);
    ck_assert_int_eq(count(&r, "dea", 75), 1);
    ck_assert_int_eq(count(&r, "mbi", 85), 1);
    ck_assert_str_eq(first(&r, "mbi")->masked, "*******MK73");
    tl_test_found_free(&r);
    /* wrong check digits */
    r = scan("NPI 1234567890, DEA AB1234560\n");
    ck_assert_int_eq(count(&r, "npi", 0) + count(&r, "dea", 0), 0);
    tl_test_found_free(&r);
    /* aircraft, weapons, products, vitamins; codes without a clinical word */
    r = scan("Diagnosis of the aircraft: F16 tail C17 down. Assessment of the rifle M16.\n"
             "SKU J45.20 diagnosis kit; F43.10 in stock; vitamin B12, paper A4.\n");
    ck_assert_int_eq(count(&r, "icd10", 65), 0);
    tl_test_found_free(&r);
}
END_TEST

START_TEST(test_tax)
{
    tl_test_found r = scan("Form W-2 Wage and Tax Statement\nEmployee's social security number: 741-61-4872\n"
                           "Wages, tips, other compensation: $48,250.00\nFederal income tax withheld: $5,120.00\n");
    ck_assert_int_eq(count(&r, "tax-form", 95), 1);
    char *cats = NULL;
    ck_assert_str_eq(severity(&r, &cats), "S2");
    g_free(cats);
    tl_test_found_free(&r);
    /* the LES: its title and its labels with an amount */
    r = scan("Leave and Earnings Statement\nENTITLEMENTS  BASE PAY 3,200.00  BAH 1,800.00\nDEDUCTIONS FITW 310.00 "
             "SGLI 31.00 TSP 160.00\n");
    ck_assert_int_eq(count(&r, "tax-form", 80), 1);
    tl_test_found_free(&r);
    /* marketing and the LES marking */
    r = scan("Upload your W-2 and 1099-NEC, file Form 1040 free for $0.00!\nLES - Law Enforcement Sensitive\n");
    ck_assert_int_eq(count(&r, "tax-form", 0), 0);
    tl_test_found_free(&r);
}
END_TEST

START_TEST(test_crew_naval_places)
{
    /* IMO check digit: 912345 -> 3 */
    GString *b = g_string_new("Crew list\tName of ship: MV NORTHERN STAR\tIMO 9123453\nNo\tName\tRank or rating\tNationality\tDate of birth\n");
    const char *rk[] = { "Master", "Chief Officer", "Bosun", "AB", "Oiler" };
    for (int i = 0; i < 5; i++)
        g_string_append_printf(b, "%d\tSURNAME%c Given\t%s\tPHL\t1%d.03.198%d\n", i + 1, 'A' + i, rk[i], i, i);
    tl_test_found r = scan(b->str);
    ck_assert_int_eq(count(&r, "crew-list", 85), 1);
    tl_test_found_free(&r);
    /* the same with a wrong check digit: a hull number is not there either */
    g_string_replace(b, "9123453", "9123454", 1);
    r = scan(b->str);
    ck_assert_int_eq(count(&r, "crew-list", 0), 0);
    tl_test_found_free(&r);
    g_string_free(b, TRUE);
    r = scan("INSURV material inspection: CASREP C3 on propulsion; trial cards open. USS Nonesuch (DDG 151) "
             "SPY radar degraded.\n");
    ck_assert_int_eq(count(&r, "naval-report", 85), 1);
    tl_test_found_free(&r);
    r = scan("The ECP moved to grid 38S MB 44871 82513 near the motor pool.\n");
    ck_assert_int_eq(count(&r, "mgrs", 85), 1);
    ck_assert_str_eq(first(&r, "mgrs")->masked, "MGRS 38S MB 44 82");
    tl_test_assert_not_stored(r.found, "44871");
    tl_test_found_free(&r);
    /* an odd digit count, a band that is not one (I), a city */
    const char *not_grids[] = { "grid 38S MB 4487 825 at the base\n", "grid 38I MB 4487 8251 at the base\n",
                                "Fort Lauderdale base\n", "product code 18S UJ 2337 0651 at the base\n" };
    for (size_t i = 0; i < G_N_ELEMENTS(not_grids); i++) {
        r = scan(not_grids[i]);
        ck_assert_msg(count(&r, "mgrs", 0) + count(&r, "installation", 0) == 0, "%s", not_grids[i]);
        tl_test_found_free(&r);
    }
}
END_TEST

/* ---- attachments: identity documents and photos (attach.c) ---------- */

/* One attachment row as parsers/text.c fills it. */
static tl_attachment *
att(const char *name, const char *type, int w, int h)
{
    tl_attachment *a = g_new0(tl_attachment, 1);
    a->path = g_strdup("2");
    a->filename = g_strdup(name);
    a->sniffed = type;
    a->width = w, a->height = h;
    memset(a->sha256, 'a', 64);
    return a;
}

/* The findings of attachments a and b (may be NULL) with body text body. */
static GPtrArray *
judge2(tl_attachment *a, tl_attachment *b, const char *subject, const char *body)
{
    static const guint8 key[] = "synthetic-case-key-for-tests-0123456789";
    char *err = NULL;
    tl_detector *d = tl_detector_new(key, sizeof key - 1, &err);
    GPtrArray *parts = tl_test_parts("text/plain; charset=utf-8", body);
    GPtrArray *atts = g_ptr_array_new_with_free_func(tl_attachment_free);
    g_ptr_array_add(atts, a);
    if (b)
        g_ptr_array_add(atts, b);
    GPtrArray *found = g_ptr_array_new_with_free_func(tl_finding_free);
    tl_detect_attachments(d, subject, parts, atts, found);
    g_ptr_array_unref(atts);
    g_ptr_array_unref(parts);
    tl_detector_free(d);
    return found;
}

static GPtrArray *
judge(tl_attachment *a, const char *subject, const char *body)
{
    return judge2(a, NULL, subject, body);
}

static int
judged(tl_attachment *a, const char *subject, const char *body)
{
    GPtrArray *f = judge(a, subject, body);
    int score = f->len ? ((tl_finding *)f->pdata[0])->score : 0;
    ck_assert_uint_le(f->len, 1);
    g_ptr_array_unref(f);
    return score;
}

START_TEST(test_iddoc_grades)
{
    const char *ctx = "Attached is a scan of my passport for the visa.\n", *none = "See you Friday.\n";
    /* name, shape (ID-3 1250x880, either orientation) and words */
    ck_assert_int_eq(judged(att("passport_scan.jpg", "jpeg", 1250, 880), NULL, ctx), 90);
    ck_assert_int_eq(judged(att("passport_scan.jpg", "jpeg", 880, 1250), NULL, ctx), 90);
    /* the words in the subject only */
    ck_assert_int_eq(judged(att("CAC-front.png", "png", 1012, 638), "my CAC", none), 90);
    /* two of three */
    ck_assert_int_eq(judged(att("passport.jpg", "jpeg", 1250, 880), NULL, none), 80);
    ck_assert_int_eq(judged(att("passport.jpg", "jpeg", 1600, 1200), NULL, ctx), 80);
    ck_assert_int_eq(judged(att("IMG_0412.jpg", "jpeg", 1200, 756), NULL, ctx), 75);
    /* the name alone: LOW */
    ck_assert_int_eq(judged(att("drivers_license.jpg", "jpeg", 1600, 1200), NULL, none), 70);
    /* traps: a logo of card shape (small), a banner of card shape with no
     * words, a 4:3 landscape named IMG_1234 in a mail about passports, a
     * word that only contains a cue (appendix, cacao) */
    ck_assert_int_eq(judged(att("logo.png", "png", 158, 100), NULL, ctx), 0);
    ck_assert_int_eq(judged(att("banner.png", "png", 1586, 1000), NULL, none), 0);
    ck_assert_int_eq(judged(att("IMG_1234.jpg", "jpeg", 4032, 3024), NULL, ctx), 0);
    ck_assert_int_eq(judged(att("cacao_appendix.jpg", "jpeg", 4032, 3024), NULL, none), 0);
    /* Visa the card brand: a bank's card art */
    ck_assert_int_eq(judged(att("visa_card.png", "png", 1012, 638), "Your new Visa card", "Earn rewards.\n"), 0);
    ck_assert_int_eq(judged(att("visa.jpg", "jpeg", 1250, 880), NULL, "the visa application\n"), 90);
    /* a card's front and back: the pair counts as the name */
    GPtrArray *pf = judge2(att("IMG_front.jpg", "jpeg", 1012, 638), att("IMG_back.jpg", "jpeg", 1012, 638), NULL,
                           "Both sides, as asked.\n");
    ck_assert_uint_eq(pf->len, 2);
    ck_assert_str_eq(((tl_finding *)pf->pdata[0])->masked, "ID-1 card: jpeg 1012x638 (front and back, shape ID-1)");
    ck_assert_int_eq(((tl_finding *)pf->pdata[1])->score, 80);
    g_ptr_array_unref(pf);
    pf = judge2(att("front.jpg", "jpeg", 1012, 638), att("back.jpg", "jpeg", 1600, 1200), NULL, "Both sides.\n");
    ck_assert_uint_eq(pf->len, 0);   /* one of them is no card */
    g_ptr_array_unref(pf);
    /* a scanned page: an image-only PDF judged on its largest image */
    tl_attachment *pdf = att("license.pdf", "pdf", 0, 0);
    pdf->scan_width = 1016, pdf->scan_height = 640;
    GPtrArray *f = judge(pdf, NULL, "here is my driver's license\n");
    ck_assert_uint_eq(f->len, 1);
    tl_finding *x = f->pdata[0];
    ck_assert_str_eq(x->category, "IDDOC.ATTACH");
    ck_assert_str_eq(x->masked, "driver's licence: pdf 1016x640 scanned page (name, shape ID-1, words)");
    ck_assert_str_eq(x->part, "2");
    ck_assert_str_eq(x->level, "HIGH");
    g_ptr_array_unref(f);
}
END_TEST

START_TEST(test_gps_photo)
{
    /* a family photo: 70, rounded to 0.01 degree; the exact value only
     * under the keyed hash */
    tl_attachment *a = att("IMG_4410.jpg", "jpeg", 1600, 1200);
    a->has_gps = 1, a->lat = 41.890251, a->lon = 12.492373;
    a->camera = g_strdup("TestCam Phone9");
    GPtrArray *f = judge(a, NULL, "Greetings from Rome!\n");
    ck_assert_uint_eq(f->len, 1);
    tl_finding *x = f->pdata[0];
    ck_assert_str_eq(x->category, "GEO.PHOTO");
    ck_assert_int_eq(x->score, 70);
    ck_assert_str_eq(x->masked, "GPS 41.89, 12.49; TestCam Phone9");
    ck_assert_int_eq(strlen(x->vhash), 32);
    tl_test_assert_not_stored(f, "41.890");
    tl_test_assert_not_stored(f, "12.492");
    char h1[33];
    memcpy(h1, x->vhash, 33);
    g_ptr_array_unref(f);
    /* a metre away: the same mask, another keyed hash */
    a = att("IMG_4410.jpg", "jpeg", 1600, 1200);
    a->has_gps = 1, a->lat = 41.890260, a->lon = 12.492373;
    a->camera = g_strdup("TestCam Phone9");
    f = judge(a, NULL, "Greetings from Rome!\n");
    ck_assert_str_eq(((tl_finding *)f->pdata[0])->masked, "GPS 41.89, 12.49; TestCam Phone9");
    ck_assert_str_ne(((tl_finding *)f->pdata[0])->vhash, h1);
    g_ptr_array_unref(f);
    /* military words in the message: 85; near a listed airfield: 90 */
    a = att("IMG_3310.jpg", "jpeg", 1600, 1200);
    a->has_gps = 1, a->lat = 33.3152, a->lon = 44.3661;
    ck_assert_int_eq(judged(a, NULL, "The convoy stopped here.\n"), 85);
    a = att("IMG_2231.jpg", "jpeg", 1600, 1200);
    a->has_gps = 1, a->lat = 38.27, a->lon = -121.94;
    f = judge(a, NULL, "nice day\n");
    ck_assert_int_eq(((tl_finding *)f->pdata[0])->score, 90);
    ck_assert_str_eq(((tl_finding *)f->pdata[0])->masked, "GPS 38.27, -121.94; 1.4 km from Travis AFB");
    char *cats = NULL;
    ck_assert_str_eq(tl_rollup(f, &cats), "S2");
    ck_assert_str_eq(cats, "GEO.PHOTO");
    g_free(cats);
    g_ptr_array_unref(f);
    /* traps: EXIF without GPS, 0/0 */
    a = att("IMG_1234.jpg", "jpeg", 4032, 3024);
    a->camera = g_strdup("TestCam Phone9");
    ck_assert_int_eq(judged(a, NULL, "convoy\n"), 0);
    a = att("IMG_5120.jpg", "jpeg", 4032, 3024);
    a->has_gps = 1;
    ck_assert_int_eq(judged(a, NULL, "convoy\n"), 0);
}
END_TEST

/* GEO.MIL: installation names of the vendored list need no military word. */
START_TEST(test_listed_installations)
{
    static const struct {
        const char *text;
        int score;
    } cases[] = {
        { "We land at Travis AFB on Tuesday.\n", 75 },
        { "Meet me at Seymour Johnson AFB tomorrow.\n", 75 },
        { "He moved to Fort Carson last year.\n", 75 },
        { "Lunch at NAS Pensacola, then home.\n", 75 },
        { "The battalion moved to Fort Carson.\n", 85 },
        { "We land at Springfield AFB on Tuesday.\n", 0 },     /* not listed, no military word */
        { "Flights to Fort Lauderdale are cheap.\n", 0 },
        { "The NAS Synology box is full.\n", 0 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        tl_test_found r = scan(cases[i].text);
        const tl_finding *f = first(&r, "installation");
        ck_assert_msg((f ? f->score : 0) == cases[i].score, "%s: %d", cases[i].text, f ? f->score : 0);
        tl_test_found_free(&r);
    }
}
END_TEST

/* Names beside identifiers: initials and a keyed hash, never the name. */
START_TEST(test_names_beside_identifiers)
{
    tl_test_found r = scan("Correction: DOE, Jane M. - her SSN is 741-61-4872.\n");
    const tl_finding *f = first(&r, "person-name");
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->masked, "J.D.");
    ck_assert_str_eq(f->category, "PII.NAME");
    tl_test_assert_not_stored(r.found, "Jane");
    tl_test_assert_not_stored(r.found, "DOE");
    tl_test_found_free(&r);
    r = scan("The date of birth of Maria Rossi is 1987-02-11.\n");
    ck_assert_str_eq(first(&r, "person-name")->masked, "M.R.");
    tl_test_found_free(&r);
    /* no identifier, or a capitalised pair whose first word is no given
     * name: nothing */
    const char *none[] = { "Jane Doe will call you tomorrow.\n", "Grant Street Bakery, DOB 1987-02-11.\n",
                           "Order Desk: SSN 741-61-4872\n" };
    for (size_t i = 0; i < G_N_ELEMENTS(none); i++) {
        r = scan(none[i]);
        ck_assert_msg(count(&r, "person-name", 0) == 0, "%s", none[i]);
        tl_test_found_free(&r);
    }
}
END_TEST

/* End to end: a scan of the attachment fixtures; the report, show and
 * export count the categories; no exact position is stored. */
START_TEST(test_attachments_end_to_end)
{
    char *dir = tl_test_tmpdir(), *db = g_build_filename(dir, "case.db", NULL);
    tl_test_scan(db, 1, NULL, "fixtures/classify/photo-convoy.eml", "fixtures/classify/iddoc-passport.eml",
                 "fixtures/classify/trap-photo-no-gps.eml", NULL);
    char *rows = tl_test_rows(db, "SELECT category, detector, score, part FROM findings"
                                  " WHERE category IN ('IDDOC.ATTACH', 'GEO.PHOTO') ORDER BY category");
    ck_assert_str_eq(rows, "GEO.PHOTO|gps-photo|85|2\nIDDOC.ATTACH|iddoc|90|2");
    g_free(rows);
    char *sev = tl_test_str(db, "SELECT severity FROM messages WHERE subject = 'passport copy'");
    ck_assert_str_eq(sev, "S1");
    g_free(sev);
    ck_assert(!tl_test_db_holds(db, "33.3152"));
    ck_assert(!tl_test_db_holds(db, "44.3661"));
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(tl_test_run_tool(NULL, &out, &err, "report", "--db", db, "--format", "json", NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "GEO.PHOTO"));
    ck_assert_ptr_nonnull(strstr(out, "IDDOC.ATTACH"));
    g_free(out), g_free(err);
    ck_assert_int_eq(tl_test_run_tool(NULL, &out, &err, "show", "--db", db, "<photo-convoy@fixtures.typoleak>", NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "GPS 33.32, 44.37"));
    g_free(out), g_free(err);
    char *exp = g_build_filename(dir, "exp", NULL);
    ck_assert_int_eq(tl_test_run_tool(NULL, &out, &err, "export", "--db", db, "--table", "findings", "-o", exp, NULL), 0);
    g_free(out), g_free(err);
    char *fj = g_build_filename(exp, "findings.jsonl", NULL), *text = NULL;
    ck_assert(g_file_get_contents(fj, &text, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(text, "\"IDDOC.ATTACH\""));
    g_free(text), g_free(fj), g_free(exp);
    tl_test_rmtree(dir);
    g_free(db);
    g_free(dir);
}
END_TEST

/* Precision and recall per category over the fixtures: an expectation is
 * "detector mask"; the category is the finding's. */
START_TEST(test_fixture_categories)
{
    static const char *const cats[] = { "TRAVEL.ITINERARY", "LODGING.ROOM", "TRAVEL.VIPMOVE", "PERSONNEL.ROSTER",
                                        "PERSONNEL.CREWLIST", "MED.PHI", "TAX.RECORD", "IDDOC.ATTACH", "GEO.PHOTO",
                                        "GEO.MIL", "OPS.NAVAL", "PII.NAME" };
    int tp[G_N_ELEMENTS(cats)] = { 0 }, fp[G_N_ELEMENTS(cats)] = { 0 }, exp[G_N_ELEMENTS(cats)] = { 0 };
    GDir *dir = g_dir_open("fixtures/classify", 0, NULL);
    ck_assert(dir != NULL);
    const char *n;
    char *err = NULL;
    static const guint8 key[] = "fixture-key-0123456789abcdef0123456789";
    tl_detector *det = tl_detector_new(key, sizeof key - 1, &err);
    /* detector -> category, learnt from the findings */
    static const struct { const char *det, *cat; } dc[] = {
        { "flight", "TRAVEL.ITINERARY" }, { "pnr", "TRAVEL.ITINERARY" }, { "eticket", "TRAVEL.ITINERARY" },
        { "bcbp", "TRAVEL.ITINERARY" }, { "reservation", "TRAVEL.ITINERARY" }, { "timeline", "TRAVEL.ITINERARY" },
        { "calendar-travel", "TRAVEL.ITINERARY" }, { "room", "LODGING.ROOM" }, { "door-code", "LODGING.ROOM" },
        { "vip-move", "TRAVEL.VIPMOVE" }, { "roster", "PERSONNEL.ROSTER" }, { "person", "PERSONNEL.ROSTER" },
        { "crew-list", "PERSONNEL.CREWLIST" }, { "icd10", "MED.PHI" }, { "npi", "MED.PHI" }, { "dea", "MED.PHI" },
        { "mbi", "MED.PHI" }, { "mrn", "MED.PHI" }, { "phi", "MED.PHI" }, { "phi-bh", "MED.PHI" },
        { "tax-form", "TAX.RECORD" }, { "mgrs", "GEO.MIL" }, { "installation", "GEO.MIL" },
        { "naval-report", "OPS.NAVAL" }, { "iddoc", "IDDOC.ATTACH" }, { "gps-photo", "GEO.PHOTO" },
        { "person-name", "PII.NAME" },
    };
    int messages = 0;
    while ((n = g_dir_read_name(dir))) {
        if (!g_str_has_suffix(n, ".eml"))
            continue;
        messages++;
        char *path = g_build_filename("fixtures/classify", n, NULL);
        GMimeStream *st = g_mime_stream_fs_open(path, O_RDONLY, 0, NULL);
        GMimeParser *ps = g_mime_parser_new_with_stream(st);
        GMimeMessage *m = g_mime_parser_construct_message(ps, NULL);
        GHashTable *want = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(m));
        for (int h = 0; h < g_mime_header_list_get_count(hl); h++) {
            GMimeHeader *hd = g_mime_header_list_get_header_at(hl, h);
            if (g_ascii_strcasecmp(g_mime_header_get_name(hd), "X-Typoleak-Expect") != 0)
                continue;
            char *v = g_strstrip(g_strdup(g_mime_header_get_raw_value(hd)));
            for (size_t k = 0; k < G_N_ELEMENTS(dc); k++)
                if (g_str_has_prefix(v, dc[k].det) && v[strlen(dc[k].det)] == ' ')
                    for (size_t c = 0; c < G_N_ELEMENTS(cats); c++)
                        exp[c] += strcmp(cats[c], dc[k].cat) == 0;
            g_hash_table_insert(want, v, GINT_TO_POINTER(GPOINTER_TO_INT(g_hash_table_lookup(want, v)) + 1));
        }
        GPtrArray *f = tl_test_message_findings(det, m, 1684227600);  /* the fixtures' Date: 16 May 2023 */
        for (guint k = 0; k < f->len; k++) {
            const tl_finding *x = f->pdata[k];
            size_t c = 0, known = 0;
            while (c < G_N_ELEMENTS(cats) && strcmp(cats[c], x->category) != 0)
                c++;
            /* the detectors of these categories only: an MRZ is IDDOC.ATTACH
             * in an attachment and PII.GOVID in a body (suite eval counts it) */
            while (known < G_N_ELEMENTS(dc) && strcmp(dc[known].det, x->detector) != 0)
                known++;
            if (c == G_N_ELEMENTS(cats) || known == G_N_ELEMENTS(dc))
                continue;
            char *k2 = g_strdup_printf("%s %s", x->detector, x->masked);
            int left = GPOINTER_TO_INT(g_hash_table_lookup(want, k2));
            if (left > 0) {
                g_hash_table_insert(want, g_strdup(k2), GINT_TO_POINTER(left - 1));
                tp[c]++;
            } else
                fp[c]++;
            g_free(k2);
        }
        g_ptr_array_unref(f);
        g_hash_table_destroy(want);
        g_object_unref(m);
        g_object_unref(ps);
        g_object_unref(st);
        g_free(path);
    }
    g_dir_close(dir);
    for (size_t c = 0; c < G_N_ELEMENTS(cats); c++) {
        double p = tp[c] + fp[c] ? (double)tp[c] / (tp[c] + fp[c]) : 1.0, rc = exp[c] ? (double)tp[c] / exp[c] : 1.0;
        fprintf(stderr, "leak: %-19s expected %3d found %3d unexpected %2d precision %.3f recall %.3f\n", cats[c], exp[c],
                tp[c], fp[c], p, rc);
        ck_assert_msg(exp[c] > 0, "%s: no fixture", cats[c]);
        ck_assert_msg(p >= 0.95 && rc >= 0.9, "%s: precision %.3f recall %.3f", cats[c], p, rc);
    }
    ck_assert(messages >= 30);
    tl_detector_free(det);
}
END_TEST

Suite *
suite_leak(void)
{
    Suite *s = suite_create("leak");
    TCase *tc = tcase_create("leak");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_flight_needs_designator_and_booking);
    tcase_add_test(tc, test_eticket_and_bcbp);
    tcase_add_test(tc, test_rooms_need_lodging);
    tcase_add_test(tc, test_timeline_and_vip);
    tcase_add_test(tc, test_reservations_jsonld_microdata);
    tcase_add_test(tc, test_roster_rows);
    tcase_add_test(tc, test_medical);
    tcase_add_test(tc, test_tax);
    tcase_add_test(tc, test_crew_naval_places);
    tcase_add_test(tc, test_iddoc_grades);
    tcase_add_test(tc, test_gps_photo);
    tcase_add_test(tc, test_listed_installations);
    tcase_add_test(tc, test_names_beside_identifiers);
    tcase_add_test(tc, test_attachments_end_to_end);
    tcase_add_test(tc, test_fixture_categories);
    suite_add_tcase(s, tc);
    return s;
}
