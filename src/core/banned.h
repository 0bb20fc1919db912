/*
 * banned.h -- functions plenum does not call (after git's banned.h).
 *
 * Include it after the system headers in every .c file of src/. Each name
 * below is unsafe with unbounded input or not thread-safe; the comment says
 * what to use instead. It is NOT a sandbox: it only stops new uses at compile
 * time.
 */
#ifndef PLENUM_BANNED_H
#define PLENUM_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)          /* snprintf or buf_add */
#undef strcat
#define strcat(x, y) BANNED(strcat)          /* buf_add */
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)     /* snprintf */
#undef strncat
#define strncat(x, y, n) BANNED(strncat)     /* buf_add */
#undef sprintf
#define sprintf(...) BANNED(sprintf)         /* snprintf */
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)       /* vsnprintf */
#undef strtok
#define strtok(x, y) BANNED(strtok)          /* strchr loops */
#undef atoi
#define atoi(x) BANNED(atoi)                 /* parse_int */
#undef atol
#define atol(x) BANNED(atol)                 /* parse_int */
#undef gets
#define gets(x) BANNED(gets)
#undef gmtime
#define gmtime(x) BANNED(gmtime)             /* gmtime_r */
#undef localtime
#define localtime(x) BANNED(localtime)       /* localtime_r */
#undef ctime
#define ctime(x) BANNED(ctime)
#undef mktemp
#define mktemp(x) BANNED(mktemp)             /* mkstemp */

#endif
