/**
 * Notebook support: the "check yourself" assertions every notebook ends its ideas with, and the exercises'
 * answer cells, which run the library's version until the learner writes their own.
 */
package fasttrack.check;
