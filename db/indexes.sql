-- Secondary indexes of the findings database, for the investigators'
-- queries (docs/schema.md).  The writer runs this at the end of every run;
-- a scan inserts faster without them (db/writer.c).
CREATE INDEX IF NOT EXISTS sources_parent ON sources(parent_id);
CREATE INDEX IF NOT EXISTS messages_message_id ON messages(message_id);
CREATE INDEX IF NOT EXISTS messages_date ON messages(date_utc);
CREATE INDEX IF NOT EXISTS occurrences_message ON occurrences(message_id);
CREATE INDEX IF NOT EXISTS occurrences_source ON occurrences(source_id);
CREATE INDEX IF NOT EXISTS recipients_message ON recipients(message_id);
CREATE INDEX IF NOT EXISTS recipients_domain ON recipients(domain);
CREATE INDEX IF NOT EXISTS typo_hits_message ON typo_hits(message_id);
CREATE INDEX IF NOT EXISTS typo_hits_domain ON typo_hits(typo_domain);
CREATE INDEX IF NOT EXISTS anomalies_message ON anomalies(message_id);
CREATE INDEX IF NOT EXISTS errors_run ON errors(run_id);
CREATE INDEX IF NOT EXISTS typo_hits_domain_id ON typo_hits(domain_id);
CREATE INDEX IF NOT EXISTS bounces_recipient ON bounces(recipient COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS findings_message ON findings(message_id);
CREATE INDEX IF NOT EXISTS findings_value ON findings(detector, vhash);
CREATE INDEX IF NOT EXISTS messages_thread ON messages(thread_key);
CREATE INDEX IF NOT EXISTS attachments_message ON attachments(message_id);
