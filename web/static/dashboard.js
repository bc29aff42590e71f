// Draws every chart on the page. Each chart's ECharts option sits in a
// <script type="application/json" data-chart="ID"> element, which the
// browser never runs; the option is read with JSON.parse and drawn into
// the element whose id is ID.
(function () {
  'use strict';

  var ROW_HEIGHT = 28; // pixels per bar or funnel level
  var MIN_HEIGHT = 320;

  function sizeFor(target) {
    var rows = parseInt(target.getAttribute('data-rows'), 10) || 0;
    var height = Math.max(MIN_HEIGHT, rows * ROW_HEIGHT + 120);
    target.style.height = height + 'px';
  }

  // rankAxis turns the value axis of a rank chart into whole places with
  // 1 at the top, because a smaller rank is better.
  function rankAxis(option) {
    var axes = Array.isArray(option.yAxis) ? option.yAxis : [option.yAxis];
    axes.forEach(function (axis) {
      axis.inverse = true;
      axis.min = 1;
      axis.minInterval = 1;
    });
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
      if (source.hasAttribute('data-rank-axis') && option.yAxis) {
        rankAxis(option);
      }
      sizeFor(target);
      var chart = echarts.init(target, null, { renderer: 'canvas' });
      chart.setOption(option);
      charts.push(chart);
    });

    var pending = 0;
    window.addEventListener('resize', function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        charts.forEach(function (chart) { chart.resize(); });
      }, 100);
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', drawAll);
  } else {
    drawAll();
  }
})();
