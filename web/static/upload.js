// upload.js sends the upload form in the background. The page shows how
// much of the file has been sent, then how far the server has read it,
// and finally draws the result as the server draws it for a browser
// without script. Every text from the server goes in through textContent,
// never as HTML.
(function () {
  'use strict';

  var form = document.querySelector('form.upload[data-jobs]');
  var panel = document.querySelector('section.upload-progress');
  if (!form || !panel || !window.FormData || !window.XMLHttpRequest || !window.fetch) {
    return; // the form posts to /upload as a plain form
  }
  var bar = panel.querySelector('progress');
  var state = panel.querySelector('.job-state');
  var button = form.querySelector('button[type="submit"]');
  var limit = Number(form.getAttribute('data-body-limit')) || 0;
  var pollMillis = 500;
  var maxPollFailures = 5;

  form.addEventListener('submit', function (event) {
    var file = form.elements.file.files[0];
    if (!file) {
      return; // the browser's own check of the required field runs
    }
    event.preventDefault();
    clearResults();
    if (limit > 0 && file.size > limit) {
      drawError('文件“' + file.name + '”有 ' + (file.size / 1048576).toFixed(1) + ' MB，' +
        form.getAttribute('data-too-large'));
      return;
    }
    send();
  });

  // send posts the form to the jobs API and follows the job it starts.
  function send() {
    var data = new FormData(form);
    var dryRun = form.elements.dry_run.checked;
    data.delete('dry_run');
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.getAttribute('data-jobs') + (dryRun ? '?dry_run=1' : ''));
    xhr.setRequestHeader('X-CSRF-Token', form.elements.csrf_token.value);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.responseType = 'json';
    xhr.upload.addEventListener('progress', function (e) {
      if (e.lengthComputable) {
        showProgress(e.loaded / e.total, '正在上传：' + percent(e.loaded / e.total));
      }
    });
    xhr.addEventListener('load', function () {
      if (xhr.status === 202 && xhr.response && xhr.response.status_url) {
        showProgress(0, '上传完成，服务器正在读取文件…');
        poll(xhr.response.status_url, 0);
        return;
      }
      finish();
      drawError(errorMessage(xhr.response));
    });
    xhr.addEventListener('error', function () {
      finish();
      drawError('上传中断，请检查网络后重试');
    });
    setBusy(true);
    showProgress(0, '正在上传：0%');
    xhr.send(data);
  }

  // poll reads the job until it is done. A few failed reads in a row,
  // such as a restart of the server, end the wait with a message.
  function poll(url, failures) {
    fetch(url, {headers: {'Accept': 'application/json'}, credentials: 'same-origin', cache: 'no-store'})
      .then(function (resp) {
        return resp.json().then(function (body) {
          return {ok: resp.ok, body: body};
        });
      })
      .then(function (r) {
        if (!r.ok) {
          finish();
          drawError(errorMessage(r.body));
          return;
        }
        var job = r.body;
        if (job.state === 'done') {
          finish();
          drawResult(job.result);
          return;
        }
        var read = job.bytes_total > 0 ? job.bytes_read / job.bytes_total : 0;
        showProgress(read, '服务器正在处理：已读取 ' + job.rows + ' 行（' + percent(read) + '），发现 ' +
          job.errors + ' 个错误');
        setTimeout(function () { poll(url, 0); }, pollMillis);
      })
      .catch(function () {
        if (failures + 1 >= maxPollFailures) {
          finish();
          drawError('无法获取处理进度，请稍后在上传记录中查看结果');
          return;
        }
        setTimeout(function () { poll(url, failures + 1); }, pollMillis * 2);
      });
  }

  function percent(fraction) {
    return Math.min(100, Math.floor(fraction * 100)) + '%';
  }

  function showProgress(fraction, text) {
    panel.hidden = false;
    bar.value = Math.min(100, Math.floor(fraction * 100));
    state.textContent = text;
  }

  function setBusy(busy) {
    button.disabled = busy;
  }

  function finish() {
    setBusy(false);
    panel.hidden = true;
  }

  function errorMessage(body) {
    if (body && body.error && body.error.message) {
      return body.error.message;
    }
    return '上传失败，请稍后重试';
  }

  function clearResults() {
    var old = document.querySelectorAll('section.result');
    for (var i = 0; i < old.length; i++) {
      old[i].parentNode.removeChild(old[i]);
    }
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) {
      e.className = className;
    }
    if (text !== undefined) {
      e.textContent = text;
    }
    return e;
  }

  // drawError shows a request that did not reach the import.
  function drawError(message) {
    var section = el('section', 'result rejected');
    section.setAttribute('aria-live', 'polite');
    section.appendChild(el('h2', '', '上传未通过'));
    section.appendChild(el('p', 'message', message));
    panel.parentNode.insertBefore(section, panel.nextSibling);
  }

  // datasetLabel returns the Chinese name of a dataset from the form's
  // own list.
  function datasetLabel(id) {
    var options = form.elements.dataset.options;
    for (var i = 0; i < options.length; i++) {
      if (options[i].value === id && id !== '') {
        return options[i].textContent;
      }
    }
    return id || '未识别';
  }

  // drawResult draws the reply of the import as upload.html does.
  function drawResult(result) {
    var section = el('section', result.error ? 'result rejected' : 'result');
    section.setAttribute('aria-live', 'polite');
    var title = result.error ? '上传未通过' : (result.dry_run ? '预检通过（未写入）' : '上传成功');
    section.appendChild(el('h2', '', title));
    if (result.error) {
      section.appendChild(el('p', 'message', result.error.message));
    }

    var counts = el('dl', 'counts');
    function count(term, value) {
      counts.appendChild(el('dt', '', term));
      counts.appendChild(el('dd', '', String(value)));
    }
    if (result.upload) {
      count('文件', result.upload.file_name);
    }
    if (result.upload && result.upload.id) {
      // The dry run's reply has no ID: the upload log keeps no dry runs.
      counts.appendChild(el('dt', '', '上传编号'));
      var dd = el('dd', '', '');
      var link = el('a', '', result.upload.id);
      link.href = '/uploads/' + encodeURIComponent(result.upload.id);
      dd.appendChild(link);
      dd.appendChild(document.createTextNode('（在上传记录中可再次查看本次结果）'));
      counts.appendChild(dd);
    }
    // The reply names the dataset in Chinese: the form's list leaves out
    // the datasets this account may not upload, which the reply may name.
    count('数据类型', result.dataset_name || datasetLabel(result.dataset));
    count('读取行数', result.rows);
    count(result.dry_run ? '可导入记录' : '写入记录', result.imported);
    if (result.replaced) {
      count('其中替换已有记录', result.replaced + '（原记录保留在历史版本中）');
    }
    count('错误', result.errors.length + (result.errors_omitted ? '（另有 ' + result.errors_omitted + ' 条未列出）' : ''));
    count('警告', result.warnings.length + (result.warnings_omitted ? '（另有 ' + result.warnings_omitted + ' 条未列出）' : ''));
    if (result.upload && result.upload.duplicate) {
      count('重复上传', result.upload.duplicate);
    }
    section.appendChild(counts);

    drawIssues(section, '错误', 'issues errors', result.errors);
    drawIssues(section, '警告', 'issues warnings', result.warnings);
    panel.parentNode.insertBefore(section, panel.nextSibling);
  }

  function drawIssues(section, title, className, issues) {
    if (!issues.length) {
      return;
    }
    section.appendChild(el('h3', '', title));
    var list = el('ol', className);
    for (var i = 0; i < issues.length; i++) {
      list.appendChild(el('li', '', issues[i].message));
    }
    section.appendChild(list);
  }
})();
