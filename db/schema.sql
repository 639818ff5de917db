-- typoleak findings database, schema version 8 (PRAGMA user_version).
-- docs/schema.md documents every table and column.  Timestamps are ISO 8601
-- UTC text; digests are lower-case hex SHA-256.  The secondary indexes are
-- in db/indexes.sql: the writer builds them at the end of each run, which
-- costs less than keeping them up to date row by row during a scan.

CREATE TABLE runs (
    id              INTEGER PRIMARY KEY,
    tool_version    TEXT NOT NULL,
    schema_version  INTEGER NOT NULL,
    argv            TEXT,
    settings        TEXT,           -- JSON object of the scan settings
    protected_hash  TEXT,           -- SHA-256 of the sorted protected list
    protected_count INTEGER,
    allowlist_hash  TEXT,           -- SHA-256 of the sorted allowlist
    psl_version     TEXT,           -- libpsl version and the Public Suffix List file used
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    status          TEXT NOT NULL,  -- running, completed, failed
    n_sources       INTEGER,
    n_messages      INTEGER,
    n_errors        INTEGER,
    n_bytes         INTEGER,
    -- custody (issue 14): what built the tool and which rules it ran
    tool_build      TEXT,           -- the build (commit) id: git describe at build time, or "unknown"
    rules_hash      TEXT,           -- SHA-256 of the detectors' patterns and the Hyperscan version
    psl_hash        TEXT            -- SHA-256 of the Public Suffix List file (or "built-in")
);

CREATE TABLE sources (
    id              INTEGER PRIMARY KEY,
    run_id          INTEGER NOT NULL REFERENCES runs(id),
    parent_id       INTEGER REFERENCES sources(id),
    path            TEXT NOT NULL,  -- provenance: a.zip!/mail/inbox.mbox
    member          TEXT,           -- entry name inside the parent archive
    kind            TEXT NOT NULL,  -- mbox, message, maildir-message, emlx, maildir, archive, ...
    format          TEXT,           -- libarchive format and filters
    depth           INTEGER NOT NULL,
    size            INTEGER,        -- bytes of content (decompressed for members)
    sha256          TEXT,
    mtime           TEXT,
    n_messages      INTEGER,
    status          TEXT,           -- reading, ok, truncated, failed, skipped
    -- a byte range of a file that a plan split across shards (typoleak plan);
    -- NULL for whole files.  size and sha256 are the range's; merge joins
    -- the ranges of a file into one row once they cover it.
    range_start     INTEGER,
    range_end       INTEGER,
    file_size       INTEGER,        -- the whole file's, from the plan
    file_sha256     TEXT
);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    sha256          TEXT NOT NULL UNIQUE, -- of the bytes of the copy found first
    identity        TEXT NOT NULL UNIQUE, -- SHA-256 with mbox From-quoting undone: one message wherever found
    size            INTEGER NOT NULL,
    message_id      TEXT,
    date            TEXT,           -- Date header as written
    date_utc        TEXT,
    from_text       TEXT,
    from_addr       TEXT,
    sender          TEXT,
    reply_to        TEXT,
    subject         TEXT,
    n_recipients    INTEGER NOT NULL,
    n_typo          INTEGER NOT NULL,
    n_anomalies     INTEGER NOT NULL,
    mime_parsed     INTEGER NOT NULL,   -- 1 whole MIME tree parsed, 0 header block only
    first_run_id    INTEGER NOT NULL REFERENCES runs(id),
    classified      INTEGER NOT NULL DEFAULT 0, -- 1 when the classifier read its text
    n_findings      INTEGER NOT NULL DEFAULT 0,
    categories      TEXT,               -- roll-up: PII.FIN,PII.GOVID (NULL: none)
    severity        TEXT,               -- roll-up: S1 (critical) .. S4 (low); NULL: nothing found
    -- issue 14: dates, the sender's unit, threads (docs/schema.md)
    date_header_utc TEXT,               -- the Date header's own time in UTC, even when implausible
    date_source     TEXT,               -- where date_utc comes from: header, received; NULL: neither
    date_flag       TEXT,               -- NULL (a plausible Date), missing, unparsable, before-1990, future
    from_unit       TEXT,               -- the sender's unit or office (display name, or signature)
    in_reply_to     TEXT,               -- In-Reply-To's first message id (no angle brackets)
    refs            TEXT,               -- References: JSON array of message ids, oldest first
    thread_key      TEXT                -- the thread's root message id (References' first, In-Reply-To, own)
);

CREATE TABLE occurrences (
    id              INTEGER PRIMARY KEY,
    message_id      INTEGER NOT NULL REFERENCES messages(id),
    source_id       INTEGER NOT NULL REFERENCES sources(id),
    run_id          INTEGER NOT NULL REFERENCES runs(id),
    position        INTEGER NOT NULL,   -- 0-based index in the container
    offset          INTEGER NOT NULL,   -- byte offset of the message in the source
    length          INTEGER NOT NULL,
    marker_offset   INTEGER,            -- offset of the mbox From_ line
    marker          TEXT,               -- the From_ line
    maildir_flags   TEXT,
    sha256          TEXT                -- of this copy's bytes (copies can differ in mbox From-quoting)
);

CREATE TABLE recipients (
    id              INTEGER PRIMARY KEY,
    message_id      INTEGER NOT NULL REFERENCES messages(id),
    header          TEXT NOT NULL,
    addr            TEXT NOT NULL,
    local_part      TEXT,
    domain          TEXT,
    display_name    TEXT,
    parsed          INTEGER NOT NULL,   -- 1 GMime's parser, 0 recovered from raw
    raw             TEXT,               -- raw header value of a recovered entry
    addr_norm       TEXT,               -- the address normalised (lower case, no trailing dot)
    dup             INTEGER NOT NULL DEFAULT 0  -- 1: another header of the message named it first (not counted)
);

CREATE TABLE typo_hits (
    id              INTEGER PRIMARY KEY,
    message_id      INTEGER NOT NULL REFERENCES messages(id),
    recipient_id    INTEGER NOT NULL REFERENCES recipients(id),
    typo_domain     TEXT NOT NULL,
    intended_domain TEXT NOT NULL,
    intended_addr   TEXT,
    class           TEXT NOT NULL,      -- tld-omission, dot-shift, replacement, appended-tld, ...
    edit            TEXT NOT NULL,      -- the edit in words
    exposure        TEXT NOT NULL,      -- open, closed, nonexistent-tld
    registrable     TEXT,               -- registrable domain of the typo (who receives the mail)
    prior           REAL NOT NULL,      -- how likely the edit is typed by accident
    score           REAL NOT NULL,      -- prior x exposure weight
    needs_context   INTEGER NOT NULL,   -- 1: a whole-TLD swap or an edit of a short name: weak on its own
    -- context from the whole archive, computed when a run closes (db/context.sql, docs/typo-model.md)
    domain_id       INTEGER REFERENCES domains(id),
    strong          INTEGER NOT NULL DEFAULT 0, -- 1: a strong typo on its own (no needs_context, prior >= 0.2)
    ctx_same_local  INTEGER,            -- the same local part (not a role name) is seen at the intended domain
    ctx_co_recipient INTEGER,           -- another recipient of the message is at the intended domain
    ctx_display_name INTEGER,           -- the display name shows the intended domain
    ctx_domain_sent INTEGER,            -- the typo domain itself sent mail into the archive (one message is enough)
    ctx_correspondent INTEGER,          -- it sent enough to be a real correspondent: 3+ senders, or 3+ messages on 3+ days over 14+ days
    ctx_bounced     INTEGER,            -- a delivery-status report says the address failed
    final_score     REAL,               -- score with the context
    alert           INTEGER             -- 1: open exposure, not bounced; strong, or weak with strong context from a non-correspondent
);

CREATE TABLE domains (
    id              INTEGER PRIMARY KEY,
    domain          TEXT NOT NULL UNIQUE,   -- a typo domain seen in the archive
    intended_domain TEXT NOT NULL,
    class           TEXT NOT NULL,
    edit            TEXT NOT NULL,
    exposure        TEXT NOT NULL,
    registrable     TEXT,
    prior           REAL NOT NULL,
    score           REAL NOT NULL,          -- without context
    final_score     REAL NOT NULL,          -- the highest of its hits, with context
    needs_context   INTEGER NOT NULL,
    strength        TEXT NOT NULL,          -- strong or weak: how likely a typo on its own
    alert           INTEGER NOT NULL,       -- any of its hits alerts
    explanation     TEXT NOT NULL,          -- ALERT or no alert, the edit, the exposure, and why, with the counts
    first_seen      TEXT,                   -- first and last Date of its messages
    last_seen       TEXT,
    n_messages      INTEGER NOT NULL,
    n_recipients    INTEGER NOT NULL,       -- distinct typo addresses
    n_senders       INTEGER NOT NULL,
    n_same_local    INTEGER NOT NULL,       -- hits whose local part is seen at the intended domain
    n_co_recipient  INTEGER NOT NULL,
    n_display_name  INTEGER NOT NULL,       -- hits whose display name names the intended domain
    n_bounced       INTEGER NOT NULL,       -- hits whose address a delivery-status report says failed
    domain_sent     INTEGER NOT NULL,       -- the domain itself sent mail into the archive
    n_from_messages INTEGER NOT NULL,       -- messages the domain sent into the archive
    n_from_senders  INTEGER NOT NULL,       -- their distinct sender addresses
    from_days       INTEGER NOT NULL,       -- distinct days they were sent on
    correspondent   INTEGER NOT NULL        -- 1: enough of them to be a real correspondent
);

CREATE TABLE bounces (
    id              INTEGER PRIMARY KEY,
    message_id      INTEGER NOT NULL REFERENCES messages(id),  -- the delivery-status report
    recipient       TEXT NOT NULL,      -- Final-Recipient (or Original-Recipient) addr-spec
    action          TEXT NOT NULL,      -- failed, delayed, delivered, relayed, expanded
    status          TEXT                -- 5.1.1 ...
);

CREATE TABLE anomalies (
    id              INTEGER PRIMARY KEY,
    message_id      INTEGER NOT NULL REFERENCES messages(id),
    code            TEXT NOT NULL,      -- GMime parser warning, e.g. truncated-message
    offset          INTEGER,
    item            TEXT
);

CREATE TABLE errors (
    id              INTEGER PRIMARY KEY,
    run_id          INTEGER NOT NULL REFERENCES runs(id),
    source_id       INTEGER REFERENCES sources(id),
    path            TEXT,
    offset          INTEGER,
    length          INTEGER,
    stage           TEXT NOT NULL,      -- walk, read, archive, split, parse
    code            TEXT NOT NULL,      -- tl_status_t name, e.g. TL_ERR_PARSE
    grade           TEXT NOT NULL,      -- warn, skip, failed
    reason          TEXT NOT NULL,
    sha256          TEXT                -- of the bytes concerned, when known
);

-- Sensitive-content findings (docs/detectors.md).  Never a full value:
-- a mask, a keyed hash under the case key, and a snippet with every
-- detected span replaced by its type.
CREATE TABLE findings (
    id              INTEGER PRIMARY KEY,
    message_id      INTEGER NOT NULL REFERENCES messages(id),
    part            TEXT NOT NULL,      -- MIME part path, "1.2"
    detector        TEXT NOT NULL,      -- ssn, pan, banner, aws-key... (docs/detectors.md)
    category        TEXT NOT NULL,      -- PII.GOVID, PII.FIN, MARK.CLASS, CRED.SECRET...
    level           TEXT NOT NULL,      -- HIGH, MEDIUM, LOW
    score           INTEGER NOT NULL,   -- 0-100
    masked          TEXT NOT NULL,      -- ***-**-1234, VISA ****1234; markings verbatim
    vhash           TEXT,               -- HMAC-SHA-256(case key, value), 128 bits hex; NULL for markings
    offset          INTEGER NOT NULL,   -- in the part's normalised text
    length          INTEGER NOT NULL,
    part_offset     INTEGER NOT NULL,   -- in the part's decoded text
    quoted          INTEGER NOT NULL,   -- inside a quoted or forwarded block
    snippet         TEXT NOT NULL,
    counted         INTEGER NOT NULL DEFAULT 1, -- 0: not counted in the figures (uncounted_reason)
    uncounted_reason TEXT,              -- same value (earlier in the message), roster (one roster, one finding)
    sets_severity   INTEGER NOT NULL DEFAULT 0  -- 1: the finding that set the message's severity
);

-- Attachments of the messages classified (docs/extraction.md): one row per
-- attachment part and per member of an attached container (archive, TNEF,
-- files embedded in Office documents), whatever could be read of it.
CREATE TABLE attachments (
    id              INTEGER PRIMARY KEY,
    message_id      INTEGER NOT NULL REFERENCES messages(id),
    part            TEXT NOT NULL,      -- MIME part path "2"; a member "2/winmail.dat/1"
    filename        TEXT,               -- as sent, or the member's name
    declared_type   TEXT,               -- Content-Type as sent; NULL for members
    sniffed_type    TEXT NOT NULL,      -- from the bytes: pdf, docx, xlsx, jpeg, zip, tnef, unknown...
    size            INTEGER NOT NULL,   -- decoded bytes
    sha256          TEXT NOT NULL,      -- of the decoded bytes
    status          TEXT NOT NULL,      -- text, no_text_layer, encrypted, too_large, unsupported, container, failed
    reason          TEXT,               -- why not text
    chars           INTEGER NOT NULL,   -- characters of text read from it
    width           INTEGER,            -- images: pixels, NULL otherwise
    height          INTEGER,
    exif_gps        INTEGER             -- images: 1 when EXIF or XMP holds a GPS position
);

-- The full-text index (FTS5) of the classified text is not here: it lives
-- in its own file beside this one (docs/schema.md, "The text index file"),
-- so that this file never holds what the messages say.
