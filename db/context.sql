-- Context of the typo hits, from the whole archive, and the per-domain
-- verdicts (docs/typo-model.md, "Context").  Run by the writer when a run
-- closes, after the indexes; it recomputes everything, so scans into the
-- same file in several runs give the figures of the whole file.

CREATE INDEX IF NOT EXISTS recipients_domain_local ON recipients(domain, local_part COLLATE NOCASE);
CREATE TEMP TABLE IF NOT EXISTS tl_sender_domains(d TEXT PRIMARY KEY) WITHOUT ROWID;
DELETE FROM tl_sender_domains;
INSERT OR IGNORE INTO tl_sender_domains
    SELECT lower(rtrim(substr(from_addr, instr(from_addr, '@') + 1), '.')) FROM messages
    WHERE from_addr LIKE '%@%';

UPDATE typo_hits SET
    ctx_same_local = EXISTS (
        SELECT 1 FROM recipients r JOIN recipients r2
            ON r2.domain = typo_hits.intended_domain AND r2.local_part = r.local_part COLLATE NOCASE
        WHERE r.id = typo_hits.recipient_id),
    ctx_co_recipient = EXISTS (    -- "+": look up by message, not by (a big) domain
        SELECT 1 FROM recipients r2
        WHERE r2.message_id = typo_hits.message_id AND +r2.domain = typo_hits.intended_domain),
    ctx_display_name = EXISTS (
        SELECT 1 FROM recipients r
        WHERE r.id = typo_hits.recipient_id AND instr(lower(r.display_name), typo_hits.intended_domain) > 0),
    ctx_domain_sent = EXISTS (SELECT 1 FROM tl_sender_domains WHERE d = typo_hits.typo_domain),
    ctx_bounced = EXISTS (
        SELECT 1 FROM recipients r JOIN bounces b ON b.recipient = r.addr COLLATE NOCASE AND b.action = 'failed'
        WHERE r.id = typo_hits.recipient_id);

UPDATE typo_hits SET
    final_score = min(1.0, score
        * (1.0 + 0.5 * ctx_same_local + 0.5 * ctx_co_recipient + 0.3 * ctx_display_name)
        * (CASE WHEN ctx_domain_sent THEN 0.3 ELSE 1.0 END)
        * (CASE WHEN ctx_bounced THEN 0.5 ELSE 1.0 END)),
    alert = exposure = 'open'
        AND (needs_context = 0 OR ctx_same_local OR ctx_co_recipient OR ctx_display_name)
        AND NOT ctx_domain_sent AND NOT ctx_bounced;

UPDATE typo_hits SET domain_id = NULL;
DELETE FROM domains;
INSERT INTO domains(domain, intended_domain, class, edit, exposure, registrable, prior, score, final_score,
                    needs_context, alert, explanation, first_seen, last_seen, n_messages, n_recipients, n_senders,
                    n_same_local, n_co_recipient, n_bounced, domain_sent)
    SELECT t.typo_domain, min(t.intended_domain), min(t.class), min(t.edit), min(t.exposure), min(t.registrable),
           max(t.prior), max(t.score), max(t.final_score), max(t.needs_context), max(t.alert),
           min(t.intended_domain) || ': ' || min(t.edit) || ' (' || min(t.class) || '); exposure '
               || min(t.exposure) || coalesce(' via ' || min(t.registrable), '')
               || CASE WHEN sum(t.ctx_same_local) > 0 THEN '; ' || sum(t.ctx_same_local)
                       || ' hits with a local part also seen at ' || min(t.intended_domain) ELSE '' END
               || CASE WHEN sum(t.ctx_co_recipient) > 0 THEN '; ' || sum(t.ctx_co_recipient)
                       || ' hits with a co-recipient at ' || min(t.intended_domain) ELSE '' END
               || CASE WHEN sum(t.ctx_bounced) > 0 THEN '; ' || sum(t.ctx_bounced)
                       || ' hits to addresses a delivery-status report says failed' ELSE '' END
               || CASE WHEN max(t.ctx_domain_sent) THEN '; the domain itself sent mail into the archive' ELSE '' END,
           min(m.date_utc), max(m.date_utc), count(DISTINCT t.message_id), count(DISTINCT lower(r.addr)),
           count(DISTINCT lower(m.from_addr)), sum(t.ctx_same_local), sum(t.ctx_co_recipient), sum(t.ctx_bounced),
           max(t.ctx_domain_sent)
    FROM typo_hits t JOIN messages m ON m.id = t.message_id JOIN recipients r ON r.id = t.recipient_id
    GROUP BY t.typo_domain;

UPDATE typo_hits SET domain_id = (SELECT id FROM domains WHERE domain = typo_hits.typo_domain);
