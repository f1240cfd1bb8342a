package dev.loomftp.pg;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The first schema: users, failed logins and bans, nodes, and quota counters with the
 * reservations of running uploads. Flyway names the version after the class: V1.
 */
public final class V1__Shared_state extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        try (Statement statement = context.getConnection().createStatement()) {
            // name_key is the name in the case-blind form UserNames.key gives; name is as spelled.
            // override is a user's override, as a JSON object written as in users.overrides.
            statement.execute("""
                    create table loomftp_users (
                      name_key text primary key,
                      name     text not null,
                      hash     text not null,
                      override text,
                      created  timestamptz not null default now())""");
            // Failed logins in a row of one client address, and its ban.
            statement.execute("""
                    create table loomftp_login_failures (
                      address      text primary key,
                      failures     integer not null,
                      last_failure timestamptz not null,
                      banned_until timestamptz)""");
            // The nodes running now: each writes its time every few seconds, so the reservations of
            // a node that died stop counting.
            statement.execute("""
                    create table loomftp_nodes (
                      id   uuid primary key,
                      name text not null,
                      seen timestamptz not null)""");
            // What the files of a folder with a quota take, and when they were last walked.
            // version changes with every change, so a walk that raced one is not written.
            statement.execute("""
                    create table loomftp_quota_usage (
                      folder   text primary key,
                      bytes    bigint not null,
                      files    bigint not null,
                      measured timestamptz not null,
                      version  bigint not null default 0)""");
            // The room each running upload holds.
            statement.execute("""
                    create table loomftp_quota_reservations (
                      id     uuid primary key,
                      folder text not null references loomftp_quota_usage on delete cascade,
                      node   uuid not null,
                      bytes  bigint not null,
                      files  bigint not null)""");
            statement.execute("create index on loomftp_quota_reservations (folder)");
        }
    }
}
