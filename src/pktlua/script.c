/*
** script.c - the Lua side of the daemon: the state (with an optional
** heap cap and instruction budget), the module preload and paths, and the
** per-packet call. The info table is script_info.c's; the budget,
** interrupts and library guards are script_guard.c's; errors are reported
** by script_report.c.
*/
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "script_state.h"

int luaopen_memory (lua_State *L);
int luaopen_layout (lua_State *L);
int luaopen_checksum (lua_State *L);
int luaopen_pktlua (lua_State *L);


/* set by CMake; these defaults let the file compile on its own */
#ifndef PKTLUA_BINARY_DIR
#define PKTLUA_BINARY_DIR "/nonexistent"
#define PKTLUA_SOURCE_DIR "/nonexistent"
#endif
#ifndef PKTLUA_PREFIX
#define PKTLUA_PREFIX "/usr/local"
#endif
#ifndef PKTLUA_LMOD_DIR
#define PKTLUA_LMOD_DIR "share/lua/5.4"   /* relative to the prefix */
#define PKTLUA_CMOD_DIR "lib/lua/5.4"
#endif




/*
** {======================================================
** State: allocator with a cap, message handler
** =======================================================
*/

/*
** Lua's allocator contract plus accounting. Shrinking and freeing always
** succeed; growth that would pass the cap fails, which Lua turns into a
** "not enough memory" error the daemon counts like any script error.
*/
static void *pkt_alloc (void *ud, void *ptr, size_t osize, size_t nsize) {
  pkt_Script *S = (pkt_Script *)ud;
  size_t old = ptr ? osize : 0;  /* without ptr, osize is a type tag */
  void *np;
  if (nsize == 0) {
    free(ptr);
    S->used -= old;
    return NULL;
  }
  /* the cap holds while the script's code runs; the daemon's own few
  ** allocations (some outside any protected call) must not fail */
  if (S->cap && S->inlua && nsize > old &&
      (S->used >= S->cap || nsize - old > S->cap - S->used))
    return NULL;
  np = realloc(ptr, nsize);
  if (np == NULL) return NULL;
  S->used = S->used - old + nsize;
  return np;
}

static int pkt_panic (lua_State *L) {
  const char *msg = lua_tostring(L, -1);
  fprintf(stderr, "pktlua: unprotected Lua error: %s\n",
          msg ? msg : "(not a string)");
  return 0;  /* Lua aborts */
}

/* level 2: 0 is this function, 1 msghandler, 2 the one that failed */
static int traceback (lua_State *L) {
  luaL_traceback(L, L, lua_tostring(L, 1), 2);
  return 1;
}

/* error objects to one string; with -v, a traceback */
static int msghandler (lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
      msg = lua_tostring(L, -1);
    else
      msg = lua_pushfstring(L, "(error object is a %s value)",
                            luaL_typename(L, 1));
  }
  if (lua_toboolean(L, lua_upvalueindex(1))) {
    /* near --max-lua-memory the traceback may not fit: the message
    ** alone then, not "not enough memory" in its place */
    lua_pushcfunction(L, traceback);
    lua_pushstring(L, msg);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
      lua_pop(L, 1);
      lua_pushstring(L, msg);
    }
  }
  return 1;
}

/* }====================================================== */


/*
** {======================================================
** Modules and paths
** =======================================================
*/

static void preload (lua_State *L) {
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, luaopen_memory);
  lua_setfield(L, -2, "memory");
  lua_pushcfunction(L, luaopen_layout);
  lua_setfield(L, -2, "layout");
  lua_pushcfunction(L, luaopen_checksum);
  lua_setfield(L, -2, "checksum");
  lua_pushcfunction(L, luaopen_pktlua);  /* module.c: layers, clocks */
  lua_setfield(L, -2, "pktlua");
  lua_pop(L, 1);
  /* loaded now, so the reference memory has its methods (pkt:get ...) */
  luaL_requiref(L, "memory", luaopen_memory, 0);
  lua_pop(L, 1);
  luaL_requiref(L, "pktlua", luaopen_pktlua, 1);  /* global pktlua too */
  lua_pop(L, 1);
}

static void prepend (lua_State *L, const char *field, const char *dirs) {
  lua_getglobal(L, "package");
  lua_getfield(L, -1, field);
  lua_pushfstring(L, "%s;%s", dirs, lua_tostring(L, -1));
  lua_setfield(L, -3, field);
  lua_pop(L, 2);
}

/*
** `require "layouts.ipv4"` and `require "pktlua.ipv4"` work from the build
** tree (the binary sits in its build directory: the sources are used) and
** after install: under the configured prefix, and first next to the
** binary (<bin>/../share/lua/5.4), so an installed tree can be moved.
*/
static void setpaths (lua_State *L) {
  char dir[PATH_MAX], *slash;
  ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
  dir[n > 0 ? n : 0] = '\0';
  slash = strrchr(dir, '/');
  if (slash != NULL) *slash = '\0';
  else dir[0] = '\0';
  if (dir[0] != '\0' && strcmp(dir, PKTLUA_BINARY_DIR) == 0) {
    prepend(L, "path", PKTLUA_SOURCE_DIR "/?.lua;" PKTLUA_SOURCE_DIR
                       "/lua/?.lua;" PKTLUA_SOURCE_DIR "/lua/?/init.lua");
    prepend(L, "cpath", PKTLUA_BINARY_DIR "/lua/?.so");
    return;
  }
  prepend(L, "path", PKTLUA_PREFIX "/" PKTLUA_LMOD_DIR "/?.lua;"
                     PKTLUA_PREFIX "/" PKTLUA_LMOD_DIR "/?/init.lua");
  prepend(L, "cpath", PKTLUA_PREFIX "/" PKTLUA_CMOD_DIR "/?.so");
  if (dir[0] != '\0') {
    lua_pushfstring(L, "%s/../" PKTLUA_LMOD_DIR "/?.lua;%s/../"
                    PKTLUA_LMOD_DIR "/?/init.lua", dir, dir);
    prepend(L, "path", lua_tostring(L, -1));
    lua_pushfstring(L, "%s/../" PKTLUA_CMOD_DIR "/?.so", dir);
    prepend(L, "cpath", lua_tostring(L, -1));
    lua_pop(L, 2);
  }
}

/* print() for a script whose standard output carries the capture (-w -) */
static int stderr_print (lua_State *L) {
  int i, n = lua_gettop(L);
  for (i = 1; i <= n; i++) {
    size_t len;
    const char *s = luaL_tolstring(L, i, &len);
    if (i > 1) fputc('\t', stderr);
    fwrite(s, 1, len, stderr);
    lua_pop(L, 1);
  }
  fputc('\n', stderr);
  fflush(stderr);
  return 0;
}

/*
** With -w -, the script's print and io.write go to stderr: one stray line
** on stdout would corrupt the pcap stream a reader is parsing.
*/
static void guardstdout (lua_State *L, const pkt_Options *o) {
  if (!o->tostdout) return;
  lua_pushcfunction(L, stderr_print);
  lua_setglobal(L, "print");
  lua_getglobal(L, "io");
  lua_getfield(L, -1, "output");
  lua_getfield(L, -2, "stderr");
  lua_call(L, 1, 0);
  lua_pop(L, 1);
}

/* arg[0] = the script, arg.NAME = "VALUE" for every -a */
static void setargs (lua_State *L, const pkt_Options *o) {
  int i;
  lua_createtable(L, 0, o->nargs);
  lua_pushstring(L, o->script ? o->script : "-e");
  lua_rawseti(L, -2, 0);
  for (i = 0; i < o->nargs; i++) {
    const char *eq = strchr(o->args[i], '=');
    lua_pushlstring(L, o->args[i], (size_t)(eq - o->args[i]));
    lua_pushstring(L, eq + 1);
    lua_rawset(L, -3);
  }
  lua_setglobal(L, "arg");
}

/* }====================================================== */


/* a string for the error at the top of the stack */
static const char *errmsg (pkt_Script *S, int status) {
  if (status == LUA_ERRMEM)
    return S->cap ? "not enough memory (--max-lua-memory reached)"
                  : "not enough memory";
  if (lua_type(S->L, -1) == LUA_TSTRING) return lua_tostring(S->L, -1);
  return "(error object is not a string)";
}


pkt_Script *pkt_script_new (const pkt_Options *o, char *err) {
  pkt_Script *S = calloc(1, sizeof(*S));
  lua_State *L;
  int status;
  if (S == NULL) {
    snprintf(err, PKT_ERRSIZE, "out of memory");
    return NULL;
  }
  S->o = o;
  S->info.worker = 1;
  L = S->L = lua_newstate(pkt_alloc, S);
  if (L == NULL) {
    snprintf(err, PKT_ERRSIZE, "cannot create a Lua state");
    free(S);
    return NULL;
  }
  lua_atpanic(L, pkt_panic);
  /* new threads copy it: "armed for no call yet" (armthread) */
  memset(lua_getextraspace(L), 0, LUA_EXTRASPACE);
  luaL_openlibs(L);
  pkt_guard_libs(L);
  lua_pushlightuserdata(L, &S->emitter);  /* before pktlua loads */
  lua_setfield(L, LUA_REGISTRYINDEX, "pktlua.emitter");
  S->outlinktype = -1;
  pkt_edit_attach(S);
  preload(L);
  setpaths(L);
  setargs(L, o);
  guardstdout(L, o);
  lua_settop(L, 0);
  lua_pushboolean(L, o->verbose > 0);
  lua_pushcclosure(L, msghandler, 1);        /* SLOT_MSGH */
  /* the cap applies to the script, not to the standard libraries */
  S->cap = o->maxmem > 0 ? S->used + o->maxmem : 0;
  if (o->script)
    status = luaL_loadfile(L, o->script);
  else
    status = luaL_loadbuffer(L, o->chunk, strlen(o->chunk), "=(command line)");
  if (status != LUA_OK) {
    snprintf(err, PKT_ERRSIZE, "%s", errmsg(S, status));
    pkt_script_close(S);
    return NULL;
  }
  return S;  /* the compiled chunk waits at slot 2 */
}


/* the global `name` as the script defined it: a raw lookup, so a
** "strict globals" __index on _G is not asked about functions the script
** may leave out (and no script code runs to find them) */
int pkt_rawglobal (lua_State *L, const char *name) {
  lua_pushglobaltable(L);
  lua_pushstring(L, name);
  lua_rawget(L, -2);
  lua_remove(L, -2);
  return lua_type(L, -1);
}

/* the kind the chunk declared (pktlua.kind, module.c) */
static int declaredkind (lua_State *L) {
  const char *k;
  int kind = PKT_KIND_NONE;
  lua_getfield(L, LUA_REGISTRYINDEX, PKT_KINDKEY);
  k = lua_tostring(L, -1);
  if (k && strcmp(k, "filter") == 0) kind = PKT_KIND_FILTER;
  else if (k && strcmp(k, "rewriter") == 0) kind = PKT_KIND_REWRITER;
  lua_pop(L, 1);
  return kind;
}

/* the chunk, then the packet function it defined, in one protected call */
static int runchunk (lua_State *L) {
  lua_call(L, 0, 0);
  pkt_rawglobal(L, "packet");
  return 1;
}

int pkt_script_start (pkt_Script *S, int linktype, char *err) {
  lua_State *L = S->L;
  lua_Debug ar;
  int status;
  S->info.linktype = linktype;
  status = pkt_guard_call(S, runchunk, 1, 1);             /* SLOT_FUNC */
  if (status != LUA_OK) {
    snprintf(err, PKT_ERRSIZE, "%s", errmsg(S, status));
    return PKT_ERROR;
  }
  if (lua_type(L, SLOT_FUNC) != LUA_TFUNCTION) {
    snprintf(err, PKT_ERRSIZE, "%s: no function 'packet' defined "
             "(the script must define packet(pkt, info))",
             S->o->script ? S->o->script : "(command line)");
    return PKT_ERROR;
  }
  S->kind = declaredkind(L);
  /* a packet() without a second parameter never sees info: its fields
  ** need not be kept */
  lua_pushvalue(L, SLOT_FUNC);
  lua_getinfo(L, ">u", &ar);
  S->wantsinfo = ar.nparams >= 2 || ar.isvararg;
  if (!lua_checkstack(L, 20)) {
    snprintf(err, PKT_ERRSIZE, "not enough memory");
    return PKT_ERROR;
  }
  pkt_routes_init(&S->routes, L, S->o);
  S->emitter.routes = &S->routes;
  luamem_newref(L);                                    /* SLOT_PKT */
  /* re-pointed through its head: two stores per packet, and nothing a
  ** script does to the memory (debug.setmetatable) can stop it */
  S->pkt = luamem_tohead(L, SLOT_PKT, NULL);
  S->info.pkt = S->pkt;  /* info.l4 is looked for in these bytes */
  pkt_info_new(L, &S->info);                           /* SLOT_INFO.. */
  lua_pushvalue(L, SLOT_INFO);  /* for the edits to refresh */
  lua_rawsetp(L, LUA_REGISTRYINDEX, &S->info);
  S->info.edit = &S->edit;
  S->started = 1;
  return PKT_OK;
}

/*
** {======================================================
** The per-packet path
** =======================================================
*/

/* pkt shows bytes mem[0..len), or nothing (mem NULL); SLOT_PKT is `pkt`
** in the base frame and the batch's */
static void setpkt (pkt_Script *S, unsigned char *mem, size_t len) {
  pkt_script_repoint(S, SLOT_PKT, mem, len);
}

/* what one protected run over many packets shares with its caller */
typedef struct Batch {
  pkt_Script *S;
  pkt_Fetch fetch;           /* pkt_main's half: the next packet */
  pkt_Deliver deliver;       /* pkt_main's half: count, write, inject */
  void *ud;
  pkt_Stats *st;
  pkt_Packet p;              /* the packet being handled */
  int inpacket;              /* an error now belongs to packet p */
  int result;                /* the status that ended the batch */
} Batch;

/*
** Runs packets until fetch says otherwise, under the one lua_pcall of
** pkt_script_run: a per-packet pcall (setjmp, call info) would cost about
** as much as everything else the daemon does for a packet. Its arguments
** are the Batch and copies of slots SLOT_FUNC.., so in this frame the
** SLOT_ numbers mean the same as in the base frame.
**
** Nothing here allocates a Lua object: the memory is re-pointed, the info
** table's existing fields are overwritten (script_info.c), and the
** function and arguments are copies of fixed stack slots.
*/
static int runbatch (lua_State *L) {
  Batch *b = (Batch *)lua_touserdata(L, 1);
  pkt_Script *S = b->S;
  pkt_Packet *p = &b->p;
  S->emitter.deliver = b->deliver;
  S->emitter.ud = b->ud;
  for (;;) {
    int r = b->fetch(b->ud, p), drop;
    if (r != PKT_PACKET) {
      b->result = r;
      return 0;
    }
    b->inpacket = 1;
    setpkt(S, p->data, p->hdr.caplen);
    S->edit.cur = p;  /* edits (script_edit.c) work on it, from its bytes */
    S->edit.begun = 0;
    if (S->wantsinfo) pkt_info_update(L, &S->info, SLOT_INFO, p);
    lua_pushvalue(L, SLOT_FUNC);
    lua_pushvalue(L, SLOT_PKT);
    lua_pushvalue(L, SLOT_INFO);
    pkt_guard_arm(S);  /* nothing unless --max-instructions */
    S->inlua = 1;
    S->emitter.cur = p;
    lua_call(L, 2, 1);
    S->emitter.cur = NULL;
    S->inlua = 0;
    S->edit.cur = NULL;
    /* false drops; names choose outputs; anything else passes */
    p->route = pkt_routes_verdict(&S->routes, L, -1, &S->reports, b->st,
                                  p->no);
    drop = p->route == 0;
    lua_pop(L, 1);
    if (S->info.tswritten) pkt_info_settime(&S->info, p);
    b->inpacket = 0;
    b->deliver(b->ud, p, !drop);
  }
}

/* what an error on a packet does: --on-error, else the kind's default */
static int verdict (const pkt_Script *S) {
  if (S->o->onerror != PKT_ONERR_DEFAULT) return S->o->onerror;
  return S->kind == PKT_KIND_FILTER ? PKT_ONERR_DROP : PKT_ONERR_PASS;
}

/*
** The typo case: a script that failed on every packet it was given, and
** on PKT_FIRSTFAILS of them, would fail on the whole capture. It is
** stopped (its packets had their verdict) unless --on-error=pass said to
** run on regardless. Counted on the error path only: the script saw the
** packets st counts as read (outside --shard's share, or given to another
** worker, they are not) since readbase.
*/
static uint64_t seen (const pkt_Stats *st) {
  return st->read - st->outside;
}

static int failsall (pkt_Script *S, const pkt_Stats *st) {
  if (S->o->onerror == PKT_ONERR_PASS || S->pkterrors < PKT_FIRSTFAILS ||
      S->pkterrors != seen(st) - S->readbase)
    return 0;
  fprintf(stderr, "pktlua: the script failed on each of its first %d "
          "packets: stopped (fix the error shown above; --on-error=pass "
          "would run on regardless)\n", PKT_FIRSTFAILS);
  return 1;
}

/*
** A script error unwinds the batch to here: the error is reported and
** counted, the packet gets the --on-error verdict, and a new batch goes on
** with the next packet.
*/
int pkt_script_run (pkt_Script *S, pkt_Fetch fetch, pkt_Deliver deliver,
                    void *ud, pkt_Stats *st) {
  lua_State *L = S->L;
  Batch b;
  if (!S->ran) {
    S->ran = 1;
    S->readbase = seen(st);
  }
  memset(&b, 0, sizeof(b));
  b.S = S;
  b.fetch = fetch;
  b.deliver = deliver;
  b.ud = ud;
  b.st = st;
  for (;;) {
    int i, status;
    lua_pushcfunction(L, runbatch);  /* a light C function: no allocation */
    lua_pushlightuserdata(L, &b);
    for (i = SLOT_FUNC; i <= SLOT_KLAST; i++) lua_pushvalue(L, i);
    b.inpacket = 0;
    pkt_guard_running(L);
    status = lua_pcall(L, 1 + SLOT_KLAST - SLOT_FUNC + 1, 0, SLOT_MSGH);
    pkt_guard_running(NULL);
    S->inlua = 0;
    S->emitter.cur = NULL;
    S->edit.cur = NULL;
    if (status == LUA_OK) return b.result;
    if (!b.inpacket) {  /* not the script's: nothing sensible to go on with */
      fprintf(stderr, "pktlua: %s\n", errmsg(S, status));
      lua_pop(L, 1);
      return PKT_ERROR_SCRIPT;
    }
    st->errors++;
    S->pkterrors++;
    pkt_reports_add(&S->reports, errmsg(S, status), b.p.no);
    lua_pop(L, 1);
    /* what the script changed before the error stays, as in the bytes */
    if (S->info.tswritten) pkt_info_settime(&S->info, &b.p);
    if (verdict(S) == PKT_ONERR_ABORT) {
      deliver(ud, &b.p, 0);
      return PKT_ERROR_SCRIPT;
    }
    deliver(ud, &b.p, verdict(S) == PKT_ONERR_PASS);
    if (failsall(S, st)) return PKT_ERROR_SCRIPT;
  }
}

/* }====================================================== */


/* finish(), its first result kept for merge (script_merge.c) */
static int runfinish (lua_State *L) {
  lua_call(L, 0, 1);
  lua_setfield(L, LUA_REGISTRYINDEX, PKT_RESULTKEY);
  return 0;
}

/* what became of the packets the script failed on, and why */
static void verdictsummary (const pkt_Script *S) {
  static const char *const names[] = {"", "pass", "drop", "abort"};
  const char *why = S->o->onerror != PKT_ONERR_DEFAULT ? ""
                  : S->kind == PKT_KIND_FILTER ? ": the default for a filter"
                  : S->kind == PKT_KIND_REWRITER
                  ? ": the default for a rewriter"
                  : ": the default when the script declares no "
                    "pktlua.kind";
  if (S->pkterrors == 0) return;
  fprintf(stderr, "pktlua: the script failed on %llu packet%s: %s "
          "(--on-error=%s%s)\n", (unsigned long long)S->pkterrors,
          S->pkterrors == 1 ? "" : "s",
          verdict(S) == PKT_ONERR_PASS ? "passed as the script left them"
                                       : "dropped",
          names[verdict(S)], why);
}

int pkt_script_finish (pkt_Script *S, pkt_Stats *st) {
  lua_State *L = S->L;
  int status;
  pkt_reports_flush(&S->reports);
  verdictsummary(S);
  /* a script that kept pkt now sees an empty memory, never freed bytes */
  if (S->started) {
    setpkt(S, NULL, 0);
    pkt_info_done(S->L, &S->info, SLOT_INFO);
  }
  if (pkt_guard_stopped()) {  /* a second SIGINT/SIGTERM: no more script code */
    if (!S->o->quiet) fprintf(stderr, "pktlua: interrupted: finish() "
                              "not called\n");
    return PKT_OK;
  }
  /* raw, and outside the cap: a script that filled its heap still
  ** finishes (or, without a finish, has nothing to fail) */
  if (pkt_rawglobal(L, "finish") != LUA_TFUNCTION) {
    lua_pop(L, 1);
    return PKT_OK;
  }
  status = pkt_guard_call(S, runfinish, 1, 0);
  if (status != LUA_OK) {
    st->errors++;
    fprintf(stderr, "pktlua: %s (in finish)\n", errmsg(S, status));
    lua_pop(L, 1);
    return PKT_ERROR;
  }
  return PKT_OK;
}

int pkt_script_reload (pkt_Script **pS, int linktype, pkt_Stats *st) {
  char err[PKT_ERRSIZE];
  pkt_Script *old = *pS;
  pkt_Script *S = pkt_script_new(old->o, err);
  int rc = S ? pkt_script_start(S, linktype, err) : PKT_ERROR;
  if (rc == PKT_OK && S->outlinktype != old->outlinktype) {
    /* the outputs were opened in the old one's: a pcap holds one */
    snprintf(err, PKT_ERRSIZE, "the script now declares link type %d, the "
             "output is written in %d: a pcap file holds one link type",
             S->outlinktype >= 0 ? S->outlinktype : linktype,
             old->outlinktype >= 0 ? old->outlinktype : linktype);
    rc = PKT_ERROR;
  }
  if (rc != PKT_OK) {
    fprintf(stderr, "pktlua: reload failed, the running script stays: "
            "%s\n", err);
    if (S) pkt_script_close(S);
    return PKT_ERROR;
  }
  /* the old script ends as at exit: it may have something to report */
  S->info.worker = old->info.worker;
  if (pkt_script_finish(old, st) == PKT_OK)
    pkt_script_merge(&old, 1, linktype, st);
  pkt_script_close(old);
  *pS = S;
  if (!S->o->quiet) fprintf(stderr, "pktlua: script reloaded\n");
  return PKT_OK;
}

void pkt_script_setworker (pkt_Script *S, int w) {
  S->info.worker = w;
}

int pkt_script_linktype (pkt_Script *S) {
  return S ? S->outlinktype : -1;
}

size_t pkt_script_memory (pkt_Script *S) {
  return S ? S->used : 0;
}

void pkt_script_close (pkt_Script *S) {
  if (S == NULL) return;
  pkt_reports_flush(&S->reports);
  lua_close(S->L);
  pkt_edit_free(&S->edit);
  free(S);
}

