-- Context of the typo hits, from the whole archive, and the per-domain
-- verdicts (docs/typo-model.md, "The domain verdict").  Run by the writer
-- (and merge) when a run closes, after the indexes; it recomputes
-- everything, so scans into the same file in several runs give the
-- figures of the whole file.
--
-- Two questions, kept apart:
--   1. How likely is the domain a typo, on its own?  The engine says
--      (typo_hits.strong, scanner/typo/score.c): strong is a typo of a
--      protected name typed by accident often (prior >= 0.2) that is not a
--      whole-TLD swap or an edit of a name of three letters or less; weak
--      is the rest (distance 2, weak near-matches, TLD swaps, edits of short
--      names), whose neighbourhood is full of real domains.
--   2. What does the archive say?  Each signal weighs by how well it tells
--      a typo from a correspondent: the same (non-role) local part seen at
--      the intended domain and a display name naming the intended domain
--      are strong; a co-recipient at the intended domain is weak (it is
--      ordinary for anyone who writes to that domain's users); mail sent
--      from the domain shows a real correspondent only when several
--      senders, or several messages over weeks, came from it, never one
--      reply; a delivery-status report that says the address failed means
--      nothing was delivered.
-- An alert is: open exposure, not bounced, and either a strong typo (on
-- its own: its mail sent from the domain never hides it) or a weak one with
-- strong context from a domain that is not a real correspondent.

-- Cost (docs/bench.md, "Issue 16, third stop"): in a catcher's mailbox
-- every message has a hit, so this reads each hit's recipient and message
-- once, into one in-memory table, and rewrites a hit row once, only where
-- something in it changed.

-- Older files indexed every recipient for the same-local-part question;
-- the few addresses at the intended domains are gathered below instead.
DROP INDEX IF EXISTS recipients_domain_local;

-- Senders' addresses, and what each sender domain sent into the archive
-- (one row per distinct message).
CREATE TEMP TABLE IF NOT EXISTS tl_sender_addrs(a TEXT PRIMARY KEY) WITHOUT ROWID;
DELETE FROM tl_sender_addrs;
INSERT OR IGNORE INTO tl_sender_addrs SELECT lower(from_addr) FROM messages WHERE from_addr LIKE '%@%';
CREATE TEMP TABLE IF NOT EXISTS tl_sent(
    d TEXT PRIMARY KEY, n_messages INTEGER, n_senders INTEGER, n_days INTEGER, span_days REAL) WITHOUT ROWID;
DELETE FROM tl_sent;
INSERT INTO tl_sent
    SELECT lower(rtrim(substr(from_addr, instr(from_addr, '@') + 1), '.')) AS d, count(*),
           count(DISTINCT lower(from_addr)), count(DISTINCT substr(date_utc, 1, 10)),
           coalesce(julianday(max(date_utc)) - julianday(min(date_utc)), 0)
    FROM messages WHERE from_addr LIKE '%@%' GROUP BY d;

-- Local parts that name a role or a mailbox, not a person: the same one at
-- two domains is a coincidence, not a typo.
CREATE TEMP TABLE IF NOT EXISTS tl_role_locals(l TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT OR IGNORE INTO tl_role_locals VALUES ('abuse'), ('accounts'), ('admin'), ('administrator'), ('billing'),
    ('careers'), ('contact'), ('contacts'), ('enquiries'), ('feedback'), ('help'), ('helpdesk'), ('hostmaster'),
    ('hr'), ('info'), ('inquiries'), ('it'), ('jobs'), ('list'), ('mail'), ('mailer-daemon'), ('marketing'),
    ('media'), ('news'), ('newsletter'), ('no-reply'), ('noreply'), ('office'), ('orders'), ('postmaster'),
    ('press'), ('root'), ('sales'), ('security'), ('service'), ('support'), ('team'), ('test'), ('user'),
    ('webmaster');

-- The local parts seen at the intended domains (by the domain index).
CREATE TEMP TABLE IF NOT EXISTS tl_intended_locals(d TEXT, l TEXT COLLATE NOCASE, PRIMARY KEY(d, l)) WITHOUT ROWID;
DELETE FROM tl_intended_locals;
INSERT OR IGNORE INTO tl_intended_locals
    SELECT domain, local_part FROM recipients WHERE domain IN (SELECT intended_domain FROM typo_hits);

-- Each hit with its context, its score with the context and its alert,
-- and what the per-domain roll-up needs of its recipient and message.
CREATE TEMP TABLE IF NOT EXISTS tl_ctx(
    id INTEGER PRIMARY KEY, typo_domain TEXT, message_id INTEGER, addr TEXT, from_addr TEXT, date_utc TEXT,
    same_local INTEGER, co_recipient INTEGER, display_name INTEGER, domain_sent INTEGER,
    correspondent INTEGER, bounced INTEGER, final_score REAL, alert INTEGER);
DELETE FROM tl_ctx;
INSERT INTO tl_ctx
    SELECT id, typo_domain, message_id, addr, from_addr, date_utc, same_local, co_recipient, display_name,
           domain_sent, correspondent, bounced,
           min(1.0, score
               * (1.0 + 0.5 * same_local + 0.3 * display_name + 0.1 * co_recipient)
               * (CASE WHEN correspondent THEN 0.3 ELSE 1.0 END)
               * (CASE WHEN bounced THEN 0.5 ELSE 1.0 END)),
           exposure = 'open' AND NOT bounced
               AND (strong OR ((same_local OR display_name) AND NOT correspondent))
    FROM (SELECT t.id, t.typo_domain, t.intended_domain, t.class, t.edit, t.exposure, t.registrable, t.prior,
                 t.score, t.needs_context, t.strong, t.message_id, lower(r.addr) AS addr,
                 lower(m.from_addr) AS from_addr, m.date_utc,
                 CASE WHEN length(r.local_part) >= 3
                           AND lower(r.local_part) NOT IN (SELECT l FROM tl_role_locals)
                           AND (EXISTS (SELECT 1 FROM tl_intended_locals
                                        WHERE d = t.intended_domain AND l = r.local_part)
                                OR EXISTS (SELECT 1 FROM tl_sender_addrs
                                           WHERE a = lower(r.local_part) || '@' || t.intended_domain))
                      THEN 1 ELSE 0 END AS same_local,
                 EXISTS (    -- "+": look up by message, not by (a big) domain
                     SELECT 1 FROM recipients r2
                     WHERE r2.message_id = t.message_id AND +r2.domain = t.intended_domain) AS co_recipient,
                 CASE WHEN instr(lower(r.display_name), t.intended_domain) > 0 THEN 1 ELSE 0 END AS display_name,
                 s.d IS NOT NULL AS domain_sent,
                 CASE WHEN s.n_senders >= 3 OR (s.n_messages >= 3 AND s.n_days >= 3 AND s.span_days >= 14)
                      THEN 1 ELSE 0 END AS correspondent,
                 EXISTS (SELECT 1 FROM bounces b
                         WHERE b.recipient = r.addr COLLATE NOCASE AND b.action = 'failed') AS bounced
          FROM typo_hits t JOIN recipients r ON r.id = t.recipient_id JOIN messages m ON m.id = t.message_id
               LEFT JOIN tl_sent s ON s.d = t.typo_domain);

-- The domains are numbered anew in name order; their hits point at them
-- again below, before the transaction commits.
PRAGMA defer_foreign_keys = ON;
DELETE FROM domains;
INSERT INTO domains(domain, intended_domain, class, edit, exposure, registrable, prior, score, final_score,
                    needs_context, strength, alert, explanation, first_seen, last_seen, n_messages, n_recipients,
                    n_senders, n_same_local, n_co_recipient, n_display_name, n_bounced, domain_sent,
                    n_from_messages, n_from_senders, from_days, correspondent)
    SELECT c.typo_domain, min(t.intended_domain), min(t.class), min(t.edit), min(t.exposure), min(t.registrable),
           max(t.prior), max(t.score), max(c.final_score), max(t.needs_context),
           CASE WHEN max(t.strong) THEN 'strong' ELSE 'weak' END, max(c.alert), '',
           min(c.date_utc), max(c.date_utc), count(DISTINCT c.message_id), count(DISTINCT c.addr),
           count(DISTINCT c.from_addr), sum(c.same_local), sum(c.co_recipient),
           sum(c.display_name), sum(c.bounced), max(c.domain_sent),
           coalesce(s.n_messages, 0), coalesce(s.n_senders, 0), coalesce(s.n_days, 0), max(c.correspondent)
    FROM tl_ctx c JOIN typo_hits t ON t.id = c.id LEFT JOIN tl_sent s ON s.d = c.typo_domain
    GROUP BY c.typo_domain ORDER BY c.typo_domain;

-- Each hit row is written once, and only when something in it changed.
UPDATE typo_hits SET
    ctx_same_local = c.same_local, ctx_co_recipient = c.co_recipient, ctx_display_name = c.display_name,
    ctx_domain_sent = c.domain_sent, ctx_correspondent = c.correspondent, ctx_bounced = c.bounced,
    final_score = c.final_score, alert = c.alert, domain_id = d.id
    FROM tl_ctx c JOIN domains d ON d.domain = c.typo_domain
    WHERE typo_hits.id = c.id
      AND (typo_hits.domain_id IS NOT d.id OR typo_hits.ctx_same_local IS NOT c.same_local
           OR typo_hits.ctx_co_recipient IS NOT c.co_recipient OR typo_hits.ctx_display_name IS NOT c.display_name
           OR typo_hits.ctx_domain_sent IS NOT c.domain_sent OR typo_hits.ctx_correspondent IS NOT c.correspondent
           OR typo_hits.ctx_bounced IS NOT c.bounced OR typo_hits.final_score IS NOT c.final_score
           OR typo_hits.alert IS NOT c.alert);
DELETE FROM tl_ctx;

-- The verdict in words: what the domain is, why it alerts or why not, and
-- the evidence counts.
UPDATE domains SET explanation =
    (CASE WHEN alert THEN 'ALERT: ' ELSE 'no alert: ' END)
    || intended_domain || ': ' || edit || ' (' || class || ', prior ' || printf('%.2f', prior) || ')'
    || CASE exposure
           WHEN 'open' THEN '; open: a third party can register ' || coalesce(registrable, domain)
           WHEN 'closed' THEN '; closed: only the namespace''s owner can register it'
           WHEN 'nonexistent-tld' THEN '; its TLD does not exist: mail to it bounces'
           ELSE '; exposure ' || exposure END
    || '. '
    || CASE
           WHEN exposure <> 'open' THEN 'Not open to a stranger, so no alert'
           WHEN n_bounced > 0 AND alert = 0 AND strength = 'strong'
               THEN 'Every hit''s address bounced: nothing was delivered'
           WHEN strength = 'strong' AND alert
               THEN 'A strong typo of a protected domain: alerts on its own'
                    || CASE WHEN n_from_messages > 0
                            THEN '; mail sent from the domain does not hide a strong typo' ELSE '' END
           WHEN alert THEN 'A weak match, with strong context'
           WHEN correspondent THEN 'A weak match, and the domain is a real correspondent'
           ELSE 'A weak match ('
                || CASE WHEN needs_context AND class = 'wrong-tld' THEN 'a whole-TLD swap'
                        WHEN class = 'weak-near' THEN 'two edits or look-alikes away'
                        WHEN needs_context THEN 'an edit of a name of three letters or less'
                        ELSE 'a rare edit' END
                || ') alerts only with strong context: the same local part seen at ' || intended_domain
                || ', or a display name naming it'
       END
    || '. Evidence: ' || n_messages || ' message' || CASE WHEN n_messages > 1 THEN 's' ELSE '' END
    || ' to ' || n_recipients || ' address' || CASE WHEN n_recipients > 1 THEN 'es' ELSE '' END
    || CASE WHEN n_same_local > 0 THEN '; ' || n_same_local || ' hit' || CASE WHEN n_same_local > 1 THEN 's' ELSE '' END
            || ' whose local part is also seen at ' || intended_domain || ' (strong)' ELSE '' END
    || CASE WHEN n_display_name > 0 THEN '; ' || n_display_name || ' display name'
            || CASE WHEN n_display_name > 1 THEN 's' ELSE '' END || ' naming ' || intended_domain || ' (strong)'
            ELSE '' END
    || CASE WHEN n_co_recipient > 0 THEN '; ' || n_co_recipient || ' hit' || CASE WHEN n_co_recipient > 1 THEN 's' ELSE '' END
            || ' with a co-recipient at ' || intended_domain || ' (weak)' ELSE '' END
    || CASE WHEN n_from_messages > 0 THEN '; the domain sent ' || n_from_messages || ' message'
            || CASE WHEN n_from_messages > 1 THEN 's' ELSE '' END || ' from ' || n_from_senders || ' sender'
            || CASE WHEN n_from_senders > 1 THEN 's' ELSE '' END || ' on ' || from_days || ' day'
            || CASE WHEN from_days > 1 THEN 's' ELSE '' END
            || CASE WHEN correspondent THEN ' (a real correspondent)'
                    ELSE ' (not a correspondent: that takes 3 senders, or 3 messages on 3 days over 14 days)' END
            ELSE '' END
    || CASE WHEN n_bounced > 0 THEN '; ' || n_bounced || ' hit' || CASE WHEN n_bounced > 1 THEN 's' ELSE '' END
            || ' to addresses a delivery-status report says failed' ELSE '' END
    || '.';

