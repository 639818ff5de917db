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
