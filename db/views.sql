-- Views of the findings database for investigators (docs/schema.md,
-- "Views").  The writer replaces them at the end of every run, so that a
-- database always has the definitions of the version that last wrote it.

-- One row per message with a typo recipient: its verdicts, severity and
-- where its first copy was found.
DROP VIEW IF EXISTS flagged_messages;
CREATE VIEW flagged_messages AS
SELECT m.id AS message_id,
       m.date_utc,
       m.from_addr,
       m.subject,
       m.message_id AS message_id_header,
       group_concat(DISTINCT t.typo_domain) AS typo_domains,
       group_concat(DISTINCT t.intended_domain) AS intended_domains,
       max(t.alert) AS alert,
       max(coalesce(t.final_score, t.score)) AS best_score,
       m.severity,
       m.categories,
       m.n_findings,
       (SELECT count(*) FROM occurrences o WHERE o.message_id = m.id) AS occurrences,
       (SELECT s.path FROM occurrences o JOIN sources s ON s.id = o.source_id
         WHERE o.message_id = m.id ORDER BY o.id LIMIT 1) AS first_path,
       (SELECT o.offset FROM occurrences o WHERE o.message_id = m.id ORDER BY o.id LIMIT 1) AS first_offset
FROM messages m
JOIN typo_hits t ON t.message_id = m.id
GROUP BY m.id;

-- Every finding with the message it was found in.
DROP VIEW IF EXISTS findings_in_context;
CREATE VIEW findings_in_context AS
SELECT f.id AS finding_id,
       f.message_id,
       m.date_utc,
       m.from_addr,
       m.subject,
       (SELECT group_concat(DISTINCT t.typo_domain) FROM typo_hits t WHERE t.message_id = m.id) AS typo_domains,
       m.severity,
       f.part,
       f.detector,
       f.category,
       f.level,
       f.score,
       f.masked,
       f.vhash,
       f.quoted,
       f.snippet
FROM findings f
JOIN messages m ON m.id = f.message_id;

-- Sizing per typo domain and intended domain: messages, distinct senders,
-- distinct intended recipients (the corrected addresses), dates, and
-- messages per severity.
DROP VIEW IF EXISTS domain_sizing;
CREATE VIEW domain_sizing AS
SELECT t.typo_domain,
       t.intended_domain,
       t.exposure,
       max(t.alert) AS alert,
       count(DISTINCT t.message_id) AS messages,
       count(DISTINCT lower(m.from_addr)) AS senders,
       count(DISTINCT lower(coalesce(t.intended_addr, r.addr))) AS intended_recipients,
       min(m.date_utc) AS first_date,
       max(m.date_utc) AS last_date,
       count(DISTINCT CASE WHEN m.severity = 'S1' THEN m.id END) AS s1_messages,
       count(DISTINCT CASE WHEN m.severity = 'S2' THEN m.id END) AS s2_messages,
       count(DISTINCT CASE WHEN m.severity = 'S3' THEN m.id END) AS s3_messages,
       count(DISTINCT CASE WHEN m.severity = 'S4' THEN m.id END) AS s4_messages
FROM typo_hits t
JOIN messages m ON m.id = t.message_id
JOIN recipients r ON r.id = t.recipient_id
GROUP BY t.typo_domain, t.intended_domain;

-- Senders who repeat the same wrong address (autocomplete habits).
DROP VIEW IF EXISTS sender_repeats;
CREATE VIEW sender_repeats AS
SELECT lower(m.from_addr) AS sender,
       lower(substr(m.from_addr, instr(m.from_addr, '@') + 1)) AS sender_domain,
       lower(r.addr) AS typo_address,
       t.intended_addr,
       count(DISTINCT m.id) AS messages,
       min(m.date_utc) AS first_date,
       max(m.date_utc) AS last_date
FROM typo_hits t
JOIN messages m ON m.id = t.message_id
JOIN recipients r ON r.id = t.recipient_id
WHERE m.from_addr IS NOT NULL
GROUP BY lower(m.from_addr), lower(r.addr);

-- ------------------------------------------------------------------
-- Issue 14: threads, leaked messages carried on, typo domains as rows,
-- senders per person and per organisation (docs/schema.md, "Views").
-- ------------------------------------------------------------------

-- Threads: a message whose thread key (References' root, In-Reply-To,
-- or its own Message-ID: parsers/message.c) names a message of another
-- thread joins that message's thread; four rounds follow chains of
-- replies that carry only In-Reply-To.  A round after one that changed
-- nothing (changes(): the rows the last UPDATE changed) reads no index.
UPDATE messages SET thread_key = (SELECT p.thread_key FROM messages p WHERE p.message_id = messages.thread_key)
WHERE thread_key IS NOT NULL AND EXISTS (SELECT 1 FROM messages p WHERE p.message_id = messages.thread_key
      AND p.thread_key IS NOT NULL AND p.thread_key <> messages.thread_key);
UPDATE messages SET thread_key = (SELECT p.thread_key FROM messages p WHERE p.message_id = messages.thread_key)
WHERE changes() > 0 AND thread_key IS NOT NULL AND EXISTS (SELECT 1 FROM messages p WHERE p.message_id = messages.thread_key
      AND p.thread_key IS NOT NULL AND p.thread_key <> messages.thread_key);
UPDATE messages SET thread_key = (SELECT p.thread_key FROM messages p WHERE p.message_id = messages.thread_key)
WHERE changes() > 0 AND thread_key IS NOT NULL AND EXISTS (SELECT 1 FROM messages p WHERE p.message_id = messages.thread_key
      AND p.thread_key IS NOT NULL AND p.thread_key <> messages.thread_key);
UPDATE messages SET thread_key = (SELECT p.thread_key FROM messages p WHERE p.message_id = messages.thread_key)
WHERE changes() > 0 AND thread_key IS NOT NULL AND EXISTS (SELECT 1 FROM messages p WHERE p.message_id = messages.thread_key
      AND p.thread_key IS NOT NULL AND p.thread_key <> messages.thread_key);

-- The typo domains of each message as rows (one per message and typo
-- domain), instead of flagged_messages' comma-separated list.
DROP VIEW IF EXISTS message_typo_domains;
CREATE VIEW message_typo_domains AS
SELECT t.message_id,
       t.typo_domain,
       t.intended_domain,
       t.exposure,
       max(t.alert) AS alert,
       max(coalesce(t.final_score, t.score)) AS score,
       count(*) AS recipients
FROM typo_hits t
GROUP BY t.message_id, t.typo_domain;

-- Every reference of a message (In-Reply-To, then References) as rows.
DROP VIEW IF EXISTS message_refs;
CREATE VIEW message_refs AS
SELECT m.id AS message_id, 'in-reply-to' AS kind, 0 AS position, m.in_reply_to AS ref
FROM messages m WHERE m.in_reply_to IS NOT NULL
UNION ALL
SELECT m.id, 'references', CAST(j.key AS INTEGER), j.value
FROM messages m, json_each(m.refs) j WHERE m.refs IS NOT NULL;

-- One row per thread: its messages, dates, and how many of them went to
-- a typo domain or carry findings.
DROP VIEW IF EXISTS threads;
CREATE VIEW threads AS
SELECT m.thread_key,
       count(*) AS messages,
       sum(m.n_typo > 0) AS misdirected,
       sum(m.n_findings > 0) AS with_findings,
       min(m.date_utc) AS first_date,
       max(m.date_utc) AS last_date,
       (SELECT m2.subject FROM messages m2 WHERE m2.thread_key = m.thread_key ORDER BY m2.date_utc LIMIT 1) AS subject
FROM messages m
WHERE m.thread_key IS NOT NULL
GROUP BY m.thread_key;

-- Replies and forwards that carry an earlier leaked message (one with a
-- typo recipient or with findings) on: by reference (its Message-ID in
-- In-Reply-To or References) or by value (a finding in quoted text whose
-- keyed hash is a finding outside quoted text of an earlier message).
DROP VIEW IF EXISTS leak_carriers;
CREATE VIEW leak_carriers AS
SELECT r.message_id, p.id AS leaked_message_id, 'reference' AS link, r.kind AS via, NULL AS detector,
       NULL AS vhash
FROM message_refs r
JOIN messages p ON p.message_id = r.ref
WHERE p.id <> r.message_id AND (p.n_typo > 0 OR p.n_findings > 0)
UNION
SELECT q.message_id, f.message_id, 'quoted-value', 'keyed hash', q.detector, q.vhash
FROM findings q
JOIN findings f ON f.detector = q.detector AND f.vhash = q.vhash AND f.message_id <> q.message_id AND f.quoted = 0
JOIN messages c ON c.id = q.message_id
JOIN messages p ON p.id = f.message_id
WHERE q.quoted = 1 AND q.vhash IS NOT NULL
  AND (p.date_utc IS NULL OR c.date_utc IS NULL OR p.date_utc <= c.date_utc);

-- Senders who mistyped, per person (the normalised From address) across
-- every typo domain they used; sender_repeats is per wrong address.
DROP VIEW IF EXISTS sender_people;
CREATE VIEW sender_people AS
SELECT m.from_addr AS sender,
       substr(m.from_addr, instr(m.from_addr, '@') + 1) AS sender_domain,
       max(m.from_unit) AS unit,
       count(DISTINCT m.id) AS messages,
       count(DISTINCT t.typo_domain) AS typo_domains,
       count(DISTINCT coalesce(r.addr_norm, lower(r.addr))) AS typo_addresses,
       count(DISTINCT CASE WHEN t.alert THEN m.id END) AS alert_messages,
       count(DISTINCT CASE WHEN m.severity IN ('S1', 'S2') THEN m.id END) AS s1_s2_messages,
       min(m.date_utc) AS first_date,
       max(m.date_utc) AS last_date
FROM typo_hits t
JOIN messages m ON m.id = t.message_id
JOIN recipients r ON r.id = t.recipient_id
WHERE m.from_addr IS NOT NULL
GROUP BY m.from_addr;

-- Misdirected mail per sender organisation: the sender's domain, and the
-- unit or office its display name or signature carries.
DROP VIEW IF EXISTS sender_orgs;
CREATE VIEW sender_orgs AS
SELECT substr(m.from_addr, instr(m.from_addr, '@') + 1) AS sender_domain,
       m.from_unit AS unit,
       count(DISTINCT m.from_addr) AS senders,
       count(DISTINCT m.id) AS messages,
       count(DISTINCT t.typo_domain) AS typo_domains,
       count(DISTINCT CASE WHEN m.severity IN ('S1', 'S2') THEN m.id END) AS s1_s2_messages,
       min(m.date_utc) AS first_date,
       max(m.date_utc) AS last_date
FROM typo_hits t
JOIN messages m ON m.id = t.message_id
WHERE m.from_addr IS NOT NULL
GROUP BY sender_domain, m.from_unit;
