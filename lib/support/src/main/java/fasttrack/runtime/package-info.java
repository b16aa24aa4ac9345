/**
 * Notebook support: where and how the course computes (the device, chosen once; the seed; the long-lived
 * NDManager), where the course's files are, the banner each notebook starts with, and the process's
 * resident memory.
 */
package fasttrack.runtime;
