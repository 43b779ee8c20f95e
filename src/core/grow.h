/* grow.h — appending to a growing array, the one way the code does it. */
#ifndef JN_GROW_H
#define JN_GROW_H

#include <stddef.h>

/* Appends the size bytes at item to *arr (n elements, room for *cap),
 * doubling the room when full (from 16).  0, or -1 when out of memory
 * (the array is left as it was). */
int grow_push(void **arr, int *n, int *cap, const void *item, size_t size);

#endif
