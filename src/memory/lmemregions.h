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

/* The no-op unref a reference whose unref was NULL gets while it has
** slices (the owner protocol of lmemlib.h); read back as NULL. */
void luamemI_sliced (lua_State *L, void *mem, size_t len);

/* The memory at `idx` is about to change block, or to be closed: the
** heads of its slices become empty, for good (luamem_resetref, __gc). */
void luamemI_moving (lua_State *L, int idx);

/* ---- module side: Lua functions of lmemstream.c, lmemslice.c, lmemmap.c */
int luamemI_mslice (lua_State *L);
int luamemI_mmap (lua_State *L);
int luamemI_mreader (lua_State *L);
int luamemI_mwriter (lua_State *L);

#endif
