/*
** lmemregions.h - private declarations of the memory-regions parts (slices,
** maps, streams) shared by the C library (lmemlib.c, lmemslice.c,
** lmemmap.c) and the module (lmemmod.c, lmemstream.c). Not installed.
*/
#ifndef LMEMREGIONS_H
#define LMEMREGIONS_H

#include "lmemlib.h"

/* ---- library side (lmemslice.c) ---- */

/* The unref function of every slice this copy of the library makes: it
** marks a referenced memory as a slice (and does nothing). */
void luamemI_sliceunref (lua_State *L, void *mem, size_t len);

/* The current block of the slice at `idx` (its head is `h`): its bytes
** when valid, else LUAMEM_EMPTY and 0, for good. */
char *luamemI_sliceview (lua_State *L, int idx, const luamem_Head *h,
                         size_t *len);

/* luamem_resetref is about to change the block of the reference at `idx`:
** slices taken of its current block die. */
void luamemI_moving (lua_State *L, int idx);

/* The validity record of a slice (user value 1 of the slice's userdata):
** what a stream over a slice checks on every access. */
typedef struct luamemI_Slice luamemI_Slice;
luamemI_Slice *luamemI_toslice (lua_State *L, int idx);
char *luamemI_infoview (luamemI_Slice *s, size_t *len);

/* ---- module side: Lua functions of lmemstream.c, lmemslice.c, lmemmap.c */
int luamemI_mslice (lua_State *L);
int luamemI_mmap (lua_State *L);
int luamemI_mreader (lua_State *L);
int luamemI_mwriter (lua_State *L);

#endif
