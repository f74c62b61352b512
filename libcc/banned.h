/* banned.h: functions that are easy to misuse; use cc_buf / snprintf / cc_parse_* instead */
#ifndef CC_BANNED_H
#define CC_BANNED_H

#define CC_BANNED(f) sorry_##f##_is_banned_in_certctl

#undef strcpy
#define strcpy(a, b) CC_BANNED(strcpy)
#undef strcat
#define strcat(a, b) CC_BANNED(strcat)
#undef strncpy
#define strncpy(a, b, n) CC_BANNED(strncpy)
#undef sprintf
#define sprintf(...) CC_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) CC_BANNED(vsprintf)
#undef strtok
#define strtok(a, b) CC_BANNED(strtok)
#undef atoi
#define atoi(a) CC_BANNED(atoi)
#undef gets
#define gets(a) CC_BANNED(gets)

#endif
