// The third-party modules (copied to vendor/ by web/web.mk), in one
// place: preact with its hooks, htm bound to preact, uPlot.
import { h, render, Fragment, createContext } from '../vendor/preact.mjs';
import htm from '../vendor/htm.mjs';
import uPlot from '../vendor/uPlot.mjs';

export {
	useState, useEffect, useRef, useMemo, useCallback, useContext,
	useLayoutEffect
} from '../vendor/hooks.mjs';
export { h, render, Fragment, createContext, uPlot };
export const html = htm.bind(h);
