"""Every page of the product, and the layout checks run on each at each width.

Add a page here (one line in ``PAGES``) and the layout test opens it at 1920, 1366 and 390 px.
"""

from __future__ import annotations

from dataclasses import dataclass

# (width, height): the control room's screens, a laptop, a phone (iPhone 12-15: 390 × 844).
WIDTHS = ((1920, 1080), (1366, 768), (390, 844))


@dataclass(frozen=True)
class Page:
    path: str  # "{today}" (local date, YYYY-MM-DD) is filled in by the test
    name: str
    signed_in: bool = True
    # Clicked (first match) before checking again, e.g. to unfold an acknowledge form.
    open: str | None = None


PAGES = (
    Page("/accounts/login/", "sign in", signed_in=False),
    Page("/", "board", open="details.ack-inline summary"),
    Page("/sites/RWE-LRI/", "site (acute)"),
    Page("/sites/RT5-CCH/", "site (community)"),
    Page("/sites/RWE-LRI/wards/LRI-W7/beds/LRI-W7-B01/", "bed"),
    Page("/alerts/", "alerts"),
    Page("/discharge/", "MOFD patients"),
    Page("/virtual-wards/", "virtual wards"),
    Page("/emergency/", "emergency departments", open="details summary"),
    Page("/s1/{today}/", "S1"),
    Page("/ambulance/", "ambulance response"),
    Page("/plan/", "operating plan"),
    Page("/forecasts/", "forecasts"),
    Page("/calls/", "system calls"),
    Page("/actions/", "actions"),
    Page("/wall/", "wall display"),
)

# Returns what is wrong: the page wider than the window, and elements drawn outside the window
# or spilling out of their own box (text or children wider than it), unless a scrolling or
# clipping ancestor (a table in an overflow:auto wrapper) contains them. Elements hidden on
# purpose (skip link, visually hidden text) are left out.
LAYOUT_PROBLEMS_JS = r"""
() => {
  const root = document.documentElement;
  const vw = root.clientWidth;
  const problems = [];
  if (root.scrollWidth > vw) {
    problems.push(`page is ${root.scrollWidth}px wide in a ${vw}px window`);
  }
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.classList.length) s += '.' + [...el.classList].join('.');
    const text = (el.innerText || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return text ? `${s} "${text}"` : s;
  };
  const contained = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible') return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.skip-link, .visually-hidden, script, style, template')) continue;
    const details = el.parentElement && el.parentElement.closest('details:not([open])');
    if (details && !el.closest('summary')) continue;  // folded away, not drawn
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || contained(el)) continue;
    if (r.right > vw + 1 || r.left < -1) {
      problems.push(`${name(el)} drawn from ${Math.round(r.left)} to ${Math.round(r.right)}px`);
      continue;
    }
    if (style.display !== 'inline' && style.overflowX === 'visible' && el.clientWidth > 0
        && el.scrollWidth > el.clientWidth + 2 && el.tagName !== 'svg') {
      problems.push(`${name(el)} spills out of its box (${el.scrollWidth} > ${el.clientWidth}px)`);
    }
  }
  return problems;
}
"""
