// Search on the portal with Pagefind: the index is static, under <base>/pagefind/.
// Results are announced in a polite live region; filters come from the index itself.
(function () {
  "use strict";
  var form = document.querySelector("[data-search-form]");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var status = document.querySelector("[data-search-status]");
  var list = document.querySelector("[data-search-results]");
  var filtersBox = form.querySelector("[data-search-filters]");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var languageSelect = form.querySelector("[data-language-select]");
  var bundle = form.getAttribute("data-bundle");
  var pagefind = null;

  function message(kind, count, query) {
    var text = status.getAttribute("data-" + kind) || "";
    return text.replace("{n}", String(count)).replace("{q}", query);
  }

  function currentFilters() {
    var filters = {};
    selects.forEach(function (s) {
      if (s.value) filters[s.getAttribute("data-filter")] = s.value;
    });
    return filters;
  }

  function syncUrl(query) {
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    var filters = currentFilters();
    Object.keys(filters).forEach(function (k) { params.set(k, filters[k]); });
    var qs = params.toString();
    history.replaceState(null, "", window.location.pathname + (qs ? "?" + qs : ""));
  }

  function render(results, data, query) {
    list.textContent = "";
    data.forEach(function (d) {
      var li = document.createElement("li");
      li.className = "search__result";
      var h = document.createElement("h2");
      h.className = "search__result-title";
      var a = document.createElement("a");
      a.href = d.url;
      a.textContent = (d.meta && d.meta.title) || d.url;
      h.appendChild(a);
      var p = document.createElement("p");
      // Pagefind marks matched words with <mark>; the excerpt is escaped by Pagefind itself.
      p.innerHTML = d.excerpt;
      li.appendChild(h);
      li.appendChild(p);
      list.appendChild(li);
    });
    var n = results.results.length;
    status.textContent = n === 0 ? message("none", 0, query) : message(n === 1 ? "one" : "many", n, query);
  }

  function run() {
    var query = input.value.trim();
    syncUrl(query);
    if (!query && Object.keys(currentFilters()).length === 0) {
      list.textContent = "";
      status.textContent = "";
      return;
    }
    status.textContent = message("loading", 0, query);
    pagefind.search(query || null, { filters: currentFilters() }).then(function (results) {
      return Promise.all(results.results.slice(0, 20).map(function (r) { return r.data(); })).then(function (data) {
        render(results, data, query);
      });
    });
  }

  import(bundle + "pagefind.js").then(function (pf) {
    pagefind = pf;
    return pf.options({ baseUrl: "/" }).then(function () { return pf.filters(); });
  }).then(function (available) {
    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (s) {
      var name = s.getAttribute("data-filter");
      var values = Object.keys(available[name] || {}).sort(function (a, b) { return a.localeCompare(b); });
      values.forEach(function (v) {
        var o = document.createElement("option");
        o.value = v;
        o.textContent = v + " (" + available[name][v] + ")";
        s.appendChild(o);
      });
      if (params.get(name)) s.value = params.get(name);
      if (values.length === 0) s.parentNode.hidden = true;
    });
    filtersBox.hidden = false;
    input.value = params.get("q") || "";
    if (input.value || Object.keys(currentFilters()).length) run();
  });

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    // Each language has its own index and its own search page: choosing another language
    // and searching moves there (on submit only, so a choice never changes context by itself).
    if (languageSelect && languageSelect.value !== window.location.pathname) {
      var q = input.value.trim();
      window.location.href = languageSelect.value + (q ? "?q=" + encodeURIComponent(q) : "");
      return;
    }
    if (pagefind) run();
  });
  // Filters narrow the results in place: the page and the focus stay where they are.
  selects.forEach(function (s) { s.addEventListener("change", function () { if (pagefind) run(); }); });
})();
