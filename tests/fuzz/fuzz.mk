# libFuzzer drivers: every tests/fuzz/fuzz-*.c is built with clang
# against a copy of the daemon library instrumented for coverage,
# AddressSanitizer and UBSan.  `make fuzz` builds them; the regress
# scenario fuzz-smoke runs each one briefly over its seeds.

FUZZ		?= obj-fuzz
FUZZ_CC		?= clang
FUZZ_SAN	 = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS	 = -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) \
		   -fsanitize=fuzzer-no-link -D_GNU_SOURCE -DSIEMD_FUZZ \
		   -I. -Isiemd -I$(FUZZ) $(PKG_CFLAGS)
FUZZ_SRCS	 = $(wildcard tests/fuzz/fuzz-*.c)
FUZZERS		 = $(patsubst tests/fuzz/%.c,$(FUZZ)/%,$(FUZZ_SRCS))
FUZZ_OBJS	 = $(patsubst %.c,$(FUZZ)/o/%.o,$(LIB_SRCS)) $(FUZZ)/o/parse.o

$(FUZZ)/parse.c: siemd/parse.y
	@mkdir -p $(@D)
	$(Q)$(YACC) -o $@ $<

$(FUZZ)/o/parse.o: $(FUZZ)/parse.c $(HDRS)
	@mkdir -p $(@D)
	$(call say,CC-FUZZ,$<)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ)/o/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	$(call say,CC-FUZZ,$<)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ)/libsiemd.a: $(FUZZ_OBJS)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(FUZZ)/fuzz-%: tests/fuzz/fuzz-%.c $(FUZZ)/libsiemd.a $(HDRS)
	$(call say,FUZZ,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
	    $(FUZZ)/libsiemd.a $(LDLIBS)

fuzz: $(FUZZERS)
