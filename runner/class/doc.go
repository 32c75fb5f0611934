// Package class is the class, live: the report a student's check sends to the teacher's runner serve (Report,
// its wire format and its decoder, which treats every byte as hostile), and the class that serve keeps of the
// reports it accepted (Class: a row per student, bounded). It owns what a report may hold and the names of an
// exercise's states; it does no I/O of its own beyond the reader it is given.
package class
