// The trial's start form: shows how long the chosen trial runs and when it ends, as the
// choices change. The texts are the server's own (data-lengths on #trial-length, keyed
// "BLOCKxPAIRS"); without this script the server's text for the chosen values stays.
(function () {
  "use strict";

  function start() {
    var shown = document.getElementById("trial-length");
    var block = document.getElementById("block_days");
    var pairs = document.getElementById("pairs");
    if (!shown || !block || !pairs) return;
    var lengths;
    try {
      lengths = JSON.parse(shown.getAttribute("data-lengths") || "{}");
    } catch (err) {
      return;
    }
    function update() {
      var text = lengths[block.value + "x" + pairs.value];
      if (text && shown.textContent !== text) shown.textContent = text;
    }
    block.addEventListener("change", update);
    pairs.addEventListener("change", update);
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
