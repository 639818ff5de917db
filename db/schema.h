/*
 * schema.h - the SQL compiled in from the db/ SQL files (build/embed.c) and the
 * schema version, shared by the writer and the read-side tools.
 */
#ifndef TL_SCHEMA_H
#define TL_SCHEMA_H



/* The schema and its secondary indexes (db/schema.sql, db/indexes.sql,
 * compiled in). */
extern const char tl_schema_sql[];
extern const char tl_index_sql[];
extern const char tl_context_sql[];    /* db/context.sql: context and domains, at run close */
extern const char tl_views_sql[];      /* db/views.sql: the investigators' views, at run close */
#define TL_SCHEMA_VERSION 8

/* The full-text index, in its own file beside the findings database
 * (tl_text_db_path), attached as "text": the classified text of the
 * messages, values detected written as their type, everything else as
 * the messages say it (docs/schema.md, "The text index file"). */
#define TL_TEXT_SCHEMA_SQL \
    "CREATE VIRTUAL TABLE IF NOT EXISTS text.message_text USING fts5(subject, body," \
    " tokenize = 'unicode61 remove_diacritics 2');"

#endif /* TL_SCHEMA_H */
