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

#endif /* TL_SCHEMA_H */
