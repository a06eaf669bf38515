/*
** luamem.h - lua-memory 2.0's name for the memory C API: clients written
** for lua-memory include <luamem.h> and link -lluamem; both name the same
** header (lmemlib.h) and library (libluamemlib) here.
*/
#ifndef LUAMEM_H
#define LUAMEM_H

#include "lmemlib.h"

#endif
