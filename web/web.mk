# The dashboard's third-party modules: installed with `npm ci` from
# web/package-lock.json into web/node_modules, and the few files the
# pages load copied to web/htdocs/vendor/ (neither is committed).
# Browsers cannot resolve bare module names ("preact") without an
# import map, and an inline import map would break the
# Content-Security-Policy, so the one bare import is rewritten to a
# relative one while copying.  Read by the GNUmakefile before its
# rules; defines WEB_ASSETS.

# these rules are read before the GNUmakefile's: keep its default goal
.DEFAULT_GOAL	:= all

NPM		?= npm
WEB_STAMP	 = web/node_modules/.siemd-installed
WEB_VENDOR	 = web/htdocs/vendor
WEB_ASSETS	 = $(WEB_VENDOR)/preact.mjs $(WEB_VENDOR)/hooks.mjs \
		   $(WEB_VENDOR)/htm.mjs $(WEB_VENDOR)/uPlot.mjs \
		   $(WEB_VENDOR)/uPlot.css

# nodejs from Debian ships npm separately; some nodejs builds carry
# their own npm and conflict with Debian's, so ask for it only when
# the command is missing
deps: web-deps
web-deps:
	@command -v $(NPM) >/dev/null 2>&1 || sh tests/deps.sh npm

$(WEB_STAMP): web/package.json web/package-lock.json
	@command -v $(NPM) >/dev/null 2>&1 || \
	    { echo "npm not found: run make deps" >&2; exit 1; }
	$(call say,NPM,web)
	$(Q)cd web && $(NPM) ci --no-audit --no-fund --loglevel=error
	$(Q)touch $@

$(WEB_VENDOR)/preact.mjs: $(WEB_STAMP)
	@mkdir -p $(@D)
	$(Q)sed '/sourceMappingURL=/d' \
	    web/node_modules/preact/dist/preact.module.js >$@

$(WEB_VENDOR)/hooks.mjs: $(WEB_STAMP)
	@mkdir -p $(@D)
	$(Q)sed -e 's#from"preact"#from"./preact.mjs"#' \
	    -e '/sourceMappingURL=/d' \
	    web/node_modules/preact/hooks/dist/hooks.module.js >$@.tmp
	$(Q)if grep -q 'from"preact"' $@.tmp; then \
	    echo "$@: bare import left" >&2; rm -f $@.tmp; exit 1; fi
	$(Q)mv $@.tmp $@

$(WEB_VENDOR)/htm.mjs: $(WEB_STAMP)
	@mkdir -p $(@D)
	$(Q)cp web/node_modules/htm/dist/htm.module.js $@

$(WEB_VENDOR)/uPlot.mjs: $(WEB_STAMP)
	@mkdir -p $(@D)
	$(Q)cp web/node_modules/uplot/dist/uPlot.esm.js $@

$(WEB_VENDOR)/uPlot.css: $(WEB_STAMP)
	@mkdir -p $(@D)
	$(Q)cp web/node_modules/uplot/dist/uPlot.min.css $@
