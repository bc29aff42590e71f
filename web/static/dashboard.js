// Draws every chart on the page. Each chart's ECharts option sits in a
// <script type="application/json" data-chart="ID"> element, which the
// browser never runs; the option is read with JSON.parse and drawn into
// the element whose id is ID.
(function () {
  'use strict';

  var ROW_HEIGHT = 28; // pixels per bar or funnel level
  var MIN_HEIGHT = 320;
  var LEGEND_TEXT_WIDTH = 200; // pixels of a legend entry's name, as of an axis name
  var TITLE_MARGIN = 10; // pixels kept free on either side of a title
  // Characters per line of a tooltip's name: about 500 px of Chinese at
  // the tooltip's 14 px, which leaves room for the marker and the value in
  // the half-width charts (637 px) of a 1366 px wide page.
  var TOOLTIP_LINE_CHARS = 36;

  function sizeFor(target) {
    var rows = parseInt(target.getAttribute('data-rows'), 10) || 0;
    var height = Math.max(MIN_HEIGHT, rows * ROW_HEIGHT + 120);
    target.style.height = height + 'px';
  }

  // openLink opens the page behind a clicked data item: the link field
  // the server put in the item. Only paths on this server are followed.
  function openLink(params) {
    var link = params && params.data && params.data.link;
    if (typeof link === 'string' && link.charAt(0) === '/' && link.charAt(1) !== '/') {
      window.location.assign(link);
    }
  }

  // watchJob polls a background report job every second and shows its
  // progress, then the download link or the failure message.
  function watchJob(section) {
    var bar = section.querySelector('progress');
    var percent = section.querySelector('.job-percent');
    var count = section.querySelector('.job-count');
    var message = section.querySelector('.job-message');
    var download = section.querySelector('.job-download');

    function poll() {
      fetch(section.getAttribute('data-job'), { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (response) { return response.json(); })
        .then(function (job) {
          if (job.error) {
            message.textContent = job.error.message;
            return;
          }
          bar.value = job.percent;
          percent.textContent = job.percent + '%';
          count.textContent = job.done + ' / ' + (job.total || '—');
          message.textContent = job.message || '';
          if (job.state === 'done') {
            download.hidden = false;
          } else if (job.state === 'running') {
            window.setTimeout(poll, 1000);
          }
        })
        .catch(function () {
          message.textContent = '无法获取进度，请稍后刷新本页。';
        });
    }
    if (download.hidden) {
      poll();
    }
  }

  // plainText returns text for an ECharts rich-text string, where it
  // shows exactly as written. ZRender 5.6.1, which ECharts 5.6.0 bundles,
  // reads {style|text} as text in the named style and has no escape for
  // it, so a name such as 海曙{a|b}区 would show as 海曙b区. So each "{"
  // becomes a span of its own: "{plain|{}" is one "{" in a style that no
  // option defines, drawn in the tooltip's own style, and no "{" is left
  // to start markup.
  function plainText(text) {
    return String(text).replace(/\{/g, '{plain|{}');
  }

  // wrapName breaks a name into lines of TOOLTIP_LINE_CHARS characters.
  // ECharts draws a rich-text tooltip on the canvas as one line per line
  // of its text and cuts it at the canvas's edge, so a 200-character name
  // showed only its first half. It counts code points, so that a character
  // outside the BMP is never split. Run it before plainText, whose markup
  // must stay on one line.
  function wrapName(text) {
    var chars = Array.from(String(text));
    var lines = [];
    for (var i = 0; i < chars.length; i += TOOLTIP_LINE_CHARS) {
      lines.push(chars.slice(i, i + TOOLTIP_LINE_CHARS).join(''));
    }
    return lines.join('\n');
  }

  // valueText formats a tooltip value: a string as the data writes it and
  // a number as ECharts does by default. The server writes bar values as
  // numeric strings, such as "95.0", so that the label keeps the table's
  // decimals, but ECharts' default tooltip turns them into numbers and
  // shows 95.
  function valueText(value) {
    if (typeof value === 'number') {
      return isFinite(value) ? echarts.format.addCommas(value) : '-';
    }
    return typeof value === 'string' && value.trim() !== '' ? plainText(value) : '-';
  }

  // itemValue returns the value of a tooltip's data item: the value
  // dimension of an item with several, such as a heatmap cell's
  // [column, row, value], or else the item's value.
  function itemValue(params) {
    var value = params.value;
    if (!Array.isArray(value)) {
      return value;
    }
    var dims = params.encode && params.encode.value;
    return dims && dims.length ? value[dims[0]] : value[value.length - 1];
  }

  // axisTooltip writes the tooltip of a category: its name, then each
  // series' marker, name and value.
  function axisTooltip(params) {
    var items = Array.isArray(params) ? params : [params];
    if (items.length === 0) {
      return '';
    }
    var lines = items.map(function (p) {
      return p.marker + plainText(wrapName(p.seriesName)) + '  ' + valueText(itemValue(p));
    });
    return [plainText(wrapName(items[0].axisValueLabel))].concat(lines).join('\n');
  }

  // itemTooltip writes the tooltip of one data item, such as a funnel
  // level or a heatmap cell: the series name, then the item's marker,
  // name and value.
  function itemTooltip(params) {
    var line = params.marker + plainText(wrapName(params.name)) + '  ' + valueText(itemValue(params));
    return plainText(wrapName(params.seriesName)) + '\n' + line;
  }

  // textTooltips draws tooltips on the canvas, as text the page's own
  // formatters write. ECharts' default HTML tooltip writes style
  // attributes, which the page's Content Security Policy (style-src
  // 'self') blocks and the browser reports as errors. ECharts' default
  // rich-text tooltip puts names into its markup unescaped, and shows
  // numeric strings as numbers.
  function textTooltips(option) {
    var tooltips = Array.isArray(option.tooltip) ? option.tooltip : [option.tooltip];
    tooltips.forEach(function (tooltip) {
      if (!tooltip) {
        return;
      }
      if (!tooltip.renderMode) {
        tooltip.renderMode = 'richText';
      }
      if (!tooltip.formatter) {
        tooltip.formatter = tooltip.trigger === 'axis' ? axisTooltip : itemTooltip;
      }
    });
  }

  // radarTooltips gives each radar series a tooltip formatter that lists
  // the axes with their values as the data writes them. ECharts' default
  // radar tooltip shows the parsed numbers, so 50.00 would show as 50.
  function radarTooltips(option) {
    var radar = Array.isArray(option.radar) ? option.radar[0] : option.radar;
    var names = ((radar && radar.indicator) || []).map(function (ind) { return ind.name; });
    var series = Array.isArray(option.series) ? option.series : [option.series];
    series.forEach(function (s) {
      if (!s || s.type !== 'radar') {
        return;
      }
      s.tooltip = s.tooltip || {};
      if (!s.tooltip.formatter) {
        s.tooltip.formatter = function (params) {
          var values = Array.isArray(params.value) ? params.value : [];
          var lines = names.map(function (name, i) {
            return plainText(wrapName(name)) + '  ' + valueText(values[i]);
          });
          return [plainText(wrapName(params.name))].concat(lines).join('\n');
        };
      }
    });
  }

  function asArray(value) {
    if (Array.isArray(value)) {
      return value;
    }
    return value ? [value] : [];
  }

  // fitLegends cuts each legend entry's name at LEGEND_TEXT_WIDTH pixels
  // with an ellipsis. ECharts lays a legend out on one line and clips what
  // runs past the chart, so a long unit name pushed 赛道平均 out of sight.
  // The page's heading gives the whole name.
  function fitLegends(option) {
    asArray(option.legend).forEach(function (legend) {
      legend.textStyle = legend.textStyle || {};
      if (legend.textStyle.width === undefined) {
        legend.textStyle.width = LEGEND_TEXT_WIDTH;
        legend.textStyle.overflow = 'truncate';
      }
    });
  }

  // fitTitles cuts each title of a drawn chart at the chart's width with
  // an ellipsis, so that no title runs past the canvas without a mark. It
  // runs again whenever the chart is resized.
  function fitTitles(chart) {
    var width = Math.max(chart.getWidth() - 2 * TITLE_MARGIN, 0);
    var titles = asArray(chart.getOption().title).map(function () {
      return { textStyle: { width: width, overflow: 'truncate' } };
    });
    chart.setOption({ title: titles });
  }

  function drawAll() {
    var charts = [];
    var sources = document.querySelectorAll('script[type="application/json"][data-chart]');
    Array.prototype.forEach.call(sources, function (source) {
      var target = document.getElementById(source.getAttribute('data-chart'));
      if (!target) {
        return;
      }
      var option = JSON.parse(source.textContent);
      textTooltips(option);
      radarTooltips(option);
      fitLegends(option);
      sizeFor(target);
      var chart = echarts.init(target, null, { renderer: 'canvas' });
      chart.setOption(option);
      fitTitles(chart);
      chart.on('click', openLink);
      charts.push(chart);
    });

    var pending = 0;
    window.addEventListener('resize', function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        charts.forEach(function (chart) {
          chart.resize();
          fitTitles(chart);
        });
      }, 100);
    });
  }

  // confirmSubmit shows a confirmation before a form with data-confirm is
  // sent, such as the one that publishes a quarter still running.
  function confirmSubmit(form) {
    form.addEventListener('submit', function (event) {
      if (!window.confirm(form.getAttribute('data-confirm'))) {
        event.preventDefault();
      }
    });
  }

  // sortKey reads a cell for sorting: its data-sort attribute when it has
  // one (a number, or empty for no value), else its first number, negative
  // after a fall (↓3), or else its text. A cell without a value, such as
  // —, is null and sorts last.
  function sortKey(cell) {
    if (cell && cell.hasAttribute('data-sort')) {
      var key = cell.getAttribute('data-sort');
      return key === '' || isNaN(Number(key)) ? null : Number(key);
    }
    var text = (cell ? cell.textContent : '').trim();
    var match = text.match(/-?\d+(\.\d+)?/);
    if (match) {
      var n = parseFloat(match[0]);
      return text.charAt(0) === '↓' ? -n : n;
    }
    return text === '' || text === '—' ? null : text;
  }

  function compareKeys(a, b) {
    if (a === null || b === null) {
      return (a === null) - (b === null);
    }
    if (typeof a === 'number' && typeof b === 'number') {
      return a - b;
    }
    return String(a).localeCompare(String(b), 'zh-CN');
  }

  // makeSortable turns each column header of a table.sortable into a
  // button that sorts the rows by that column, ascending and then
  // descending, and marks the order in aria-sort. Empty cells stay last.
  // The template marks the column the rows come sorted by, so a click on
  // that one first sorts it descending.
  function makeSortable(table) {
    var head = table.tHead && table.tHead.rows[0];
    var body = table.tBodies[0];
    if (!head || !body) {
      return;
    }
    Array.prototype.forEach.call(head.cells, function (th, column) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort';
      while (th.firstChild) {
        button.appendChild(th.firstChild);
      }
      th.appendChild(button);
      button.addEventListener('click', function () {
        var ascending = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(head.cells, function (other) {
          other.removeAttribute('aria-sort');
        });
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var ka = sortKey(a.cells[column]);
          var kb = sortKey(b.cells[column]);
          if (ka === null || kb === null) {
            return compareKeys(ka, kb);
          }
          return ascending ? compareKeys(ka, kb) : compareKeys(kb, ka);
        });
        rows.forEach(function (row) {
          body.appendChild(row);
        });
      });
    });
  }

  function start() {
    drawAll();
    Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), makeSortable);
    Array.prototype.forEach.call(document.querySelectorAll('section.job[data-job]'), watchJob);
    Array.prototype.forEach.call(document.querySelectorAll('form[data-confirm]'), confirmSubmit);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
