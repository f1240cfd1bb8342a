package dev.loomftp.users;

/** A user who has logged in. */
public record User(String name) {}
