package dev.loomftp.config;
