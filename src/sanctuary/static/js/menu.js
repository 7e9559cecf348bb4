// The main menu scrolls sideways on a phone (sanctuary.css). Keep the entry that has the focus,
// and the current page's, wholly in view: Chromium leaves an entry half-shown at the edge when
// it takes the focus. Without this script every entry is still there, scrolled by hand.
(function () {
  "use strict";
  var nav = document.querySelector("header.top nav");
  if (!nav) return;
  var room = 32; // clear of the shades at the ends
  function reveal(link) {
    var entry = link.getBoundingClientRect();
    var box = nav.getBoundingClientRect();
    if (entry.left < box.left + room) nav.scrollLeft -= box.left + room - entry.left;
    else if (entry.right > box.right - room) nav.scrollLeft += entry.right - box.right + room;
  }
  nav.addEventListener("focusin", function (event) { reveal(event.target); });
  var current = nav.querySelector('[aria-current="page"]');
  if (current) reveal(current);
})();
