/* Shadow Balance Sheets: typeset formulas as the reader reaches them (issue 17).
   MathJax 2 would typeset every formula of a chapter at load, in one long stretch of work that a
   slow laptop feels (most of a chapter's total blocking time). The configuration sets
   skipStartupTypeset; this script asks MathJax for each formula when it comes within 600 px of
   the viewport. window.sbsTypesetAll() typesets the rest (tests, printing). */
window.MathJax = window.MathJax || {};
window.MathJax.AuthorInit = function () {
  MathJax.Hub.Register.StartupHook('End', function () {
    var formulas = [].slice.call(document.querySelectorAll('.math'));
    function typeset(el) {
      if (el.getAttribute('data-sbs-typeset')) { return; }
      el.setAttribute('data-sbs-typeset', '1');
      MathJax.Hub.Queue(['Typeset', MathJax.Hub, el]);
    }
    var observer = null;
    if ('IntersectionObserver' in window) {
      observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) { observer.unobserve(entry.target); typeset(entry.target); }
        });
      }, { rootMargin: '600px 0px' });
      formulas.forEach(function (el) { observer.observe(el); });
    } else {
      formulas.forEach(typeset);
    }
    window.sbsTypesetAll = function () {
      formulas.forEach(function (el) { if (observer) { observer.unobserve(el); } typeset(el); });
      return new Promise(function (resolve) { MathJax.Hub.Queue(function () { resolve(formulas.length); }); });
    };
    window.addEventListener('beforeprint', window.sbsTypesetAll);
  });
};
